import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, request, setCsrfToken } from "./client.js";

export interface Session {
  user: { id: string; username: string };
  csrfToken: string;
  expiresAt: number;
}

export const sessionKeys = { all: ["session"] as const };

/** The current session, or null when signed out. */
export function useSession() {
  return useQuery({
    queryKey: sessionKeys.all,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await request<Session>("GET", "/session");
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { username: string; password: string }) =>
      request<Session>("POST", "/session", input),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      client.setQueryData(sessionKeys.all, session);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request<void>("DELETE", "/session"),
    onSettled: () => {
      setCsrfToken("");
      client.clear();
      client.setQueryData(sessionKeys.all, null);
    },
  });
}
