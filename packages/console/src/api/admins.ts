import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Ability } from "./accounts.js";
import { request } from "./client.js";
import { type Role, sessionKeys } from "./session.js";

/** A user as GET /admins answers: never a password or its hash. */
export interface Admin {
  id: string;
  username: string;
  role: Role;
  displayName: string | null;
  email: string | null;
  /** When the user was disabled; null while they may sign in. */
  disabledAt: number | null;
  createdAt: number;
  lastLoginAt: number | null;
  frozenUntil: number | null;
  /** Whether the user has an authenticator app (TOTP) on. */
  totpEnabled: boolean;
  abilities: { resetPassword: Ability; changeAccess: Ability };
}

/** The role a user may be given: the owner is the first user only. */
export type GivenRole = Exclude<Role, "owner">;

export const adminKeys = { all: ["admins"] as const };

export function useAdmins() {
  return useQuery({
    queryKey: adminKeys.all,
    queryFn: async () => (await request<{ items: Admin[] }>("GET", "/admins")).items,
  });
}

/** Adds a user; `password` in the answer only when it was generated (shown once). */
export function useCreateAdmin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      username: string;
      password?: string;
      role?: GivenRole;
      displayName?: string;
      email?: string;
    }) => request<Omit<Admin, "abilities"> & { password?: string }>("POST", "/admins", input),
    onSettled: () => client.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

/** Changes a user's role, profile or access (disabling ends their sessions). */
export function useUpdateAdmin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      id: string;
      role?: GivenRole;
      displayName?: string | null;
      email?: string | null;
      disabled?: boolean;
    }) => {
      const { id, ...change } = input;
      return request<Omit<Admin, "abilities"> & { sessionsEnded: number }>(
        "PATCH",
        `/admins/${encodeURIComponent(id)}`,
        change,
      );
    },
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: adminKeys.all }),
        client.invalidateQueries({ queryKey: sessionKeys.whoami }),
      ]),
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
