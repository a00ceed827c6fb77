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

/** A sign-in from a new device, waiting for its second factor. */
export interface SecondFactorChallenge {
  challenge: string;
  method: "totp" | "email";
  expiresAt: number;
  /** Where the code went, partly hidden. */
  sentTo: string | null;
  /** Sandbox mode: the code is in the sandbox mailbox. */
  sandbox: boolean;
}

/** What a right password answers: the session, or a second step first. */
export type SignInAnswer = Session | { secondFactor: SecondFactorChallenge };

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { username: string; password: string }) =>
      request<SignInAnswer>("POST", "/session", input),
    onSuccess: (answer) => {
      if ("secondFactor" in answer) return;
      setCsrfToken(answer.csrfToken);
      client.setQueryData(sessionKeys.all, answer);
    },
  });
}

/** The second step of a sign-in from a new device: the code opens the session. */
export function useCompleteSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { challenge: string; code: string }) =>
      request<Session>("POST", "/session/second-factor", input),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      // What another user might do is not this one's.
      client.removeQueries({ queryKey: sessionKeys.whoami });
      client.setQueryData(sessionKeys.all, session);
    },
  });
}

export function useResendSignInCode() {
  return useMutation({
    mutationFn: (challenge: string) =>
      request<{ expiresAt: number }>("POST", "/session/second-factor/resend", { challenge }),
  });
}

/** A sign-in code the sandbox "e-mailed". */
export interface SandboxMail {
  to: string | null;
  username: string;
  code: string;
  sentAt: number;
  expiresAt: number;
}

/** Sandbox mode only: the latest sign-in codes, refreshed while shown. */
export function useSandboxMail(enabled: boolean) {
  return useQuery({
    queryKey: ["sandbox", "mail"],
    queryFn: async () => (await request<{ mails: SandboxMail[] }>("GET", "/sandbox/mail")).mails,
    enabled,
    refetchInterval: 2_000,
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
