import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, request, setCsrfToken } from "./client.js";

export interface Session {
  user: { id: string; username: string };
  csrfToken: string;
  expiresAt: number;
}

export const sessionKeys = { all: ["session"] as const, whoami: ["whoami"] as const };

/** A platform role: the owner (the first user), an administrator, or a member of some accounts. */
export type Role = "owner" | "admin" | "member";

/**
 * Who the caller is and what the server's one policy lets it do (GET /whoami): the actions it
 * may take (a member: on at least one of their accounts) and, for a member, the actions on each
 * of their accounts (null for everyone else, whose actions hold on every account in reach).
 */
export interface Whoami {
  kind: "session" | "api_key";
  name: string;
  role: Role | null;
  actions: string[];
  accounts: Record<string, string[]> | null;
}

/** What the signed-in user may do, as the server says; fetched once signed in. */
export function useWhoami(enabled = true) {
  return useQuery({
    queryKey: sessionKeys.whoami,
    queryFn: () => request<Whoami>("GET", "/whoami"),
    enabled,
    staleTime: 30_000,
  });
}

/**
 * Whether the server's answer lets the caller take an action: anywhere, or on one account.
 * Nothing is derived here: the server named every action it allows.
 */
export function mayTake(who: Whoami | undefined, action: string, appId?: string): boolean {
  if (!who?.actions.includes(action)) return false;
  if (appId === undefined || who.accounts === null) return true;
  return who.accounts[appId]?.includes(action) === true;
}

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
      // What another user might do is not this one's.
      client.removeQueries({ queryKey: sessionKeys.whoami });
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
