import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Ability } from "./accounts.js";
import { request } from "./client.js";

/** An administrator as GET /admins answers: never a password or its hash. */
export interface Admin {
  id: string;
  username: string;
  createdAt: number;
  lastLoginAt: number | null;
  frozenUntil: number | null;
  /** Whether the user has an authenticator app (TOTP) on. */
  totpEnabled: boolean;
  abilities: { resetPassword: Ability };
}

export const adminKeys = { all: ["admins"] as const };

export function useAdmins() {
  return useQuery({
    queryKey: adminKeys.all,
    queryFn: async () => (await request<{ items: Admin[] }>("GET", "/admins")).items,
  });
}

/** Adds an administrator; `password` in the answer only when it was generated (shown once). */
export function useCreateAdmin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { username: string; password?: string }) =>
      request<Omit<Admin, "abilities"> & { password?: string }>("POST", "/admins", input),
    onSettled: () => client.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

/** Resets another administrator's password, ending their sessions. */
export function useResetPassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; password?: string }) =>
      request<{ password?: string; sessionsEnded: number }>(
        "POST",
        `/admins/${encodeURIComponent(input.id)}/password`,
        input.password === undefined ? {} : { password: input.password },
      ),
    onSettled: () => client.invalidateQueries({ queryKey: adminKeys.all }),
  });
}
