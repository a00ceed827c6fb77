import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { request } from "./client.js";

/** One of the signed-in user's console sessions (never its cookie). */
export interface ConsoleSession {
  id: string;
  current: boolean;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  idleUntil: number;
  confirmedAt: number | null;
  ip: string | null;
  userAgent: string | null;
  device: string;
}

export const securityKeys = { sessions: ["security", "sessions"] as const };

export function useMySessions() {
  return useQuery({
    queryKey: securityKeys.sessions,
    queryFn: async () => (await request<{ sessions: ConsoleSession[] }>("GET", "/sessions")).sessions,
  });
}

export function useEndSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<void>("DELETE", `/sessions/${encodeURIComponent(id)}`),
    onSettled: () => client.invalidateQueries({ queryKey: securityKeys.sessions }),
  });
}

export function useEndOtherSessions() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request<{ ended: number }>("POST", "/sessions/end-others"),
    onSettled: () => client.invalidateQueries({ queryKey: securityKeys.sessions }),
  });
}

/** Confirms the user's identity: risk operations are admitted until `confirmedUntil`. */
export function confirmIdentity(password: string): Promise<{ confirmedUntil: number }> {
  return request<{ confirmedUntil: number }>("POST", "/session/confirm", { password });
}
