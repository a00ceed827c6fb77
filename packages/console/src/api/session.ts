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
