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
  confirmedUntil: number | null;
  ip: string | null;
  userAgent: string | null;
  device: string;
}

export const securityKeys = {
  sessions: ["security", "sessions"] as const,
  overview: ["security", "overview"] as const,
  devices: ["security", "devices"] as const,
};

/** The user's sign-in protection. */
export interface SecurityOverview {
  username: string;
  email: string | null;
  totp: { enabled: boolean; enabledAt: number | null; pending: boolean };
  protection: {
    newDeviceVerification: boolean;
    method: "totp" | "email" | null;
    reason: "verification_off" | "no_email" | "no_mail_server" | null;
  };
}

/** A browser that passed a second factor (never its cookie). */
export interface KnownDevice {
  id: string;
  current: boolean;
  device: string;
  userAgent: string | null;
  ip: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

export function useSecurityOverview(enabled = true) {
  return useQuery({
    queryKey: securityKeys.overview,
    queryFn: () => request<SecurityOverview>("GET", "/security"),
    enabled,
  });
}

export function useKnownDevices() {
  return useQuery({
    queryKey: securityKeys.devices,
    queryFn: async () => (await request<{ devices: KnownDevice[] }>("GET", "/security/devices")).devices,
  });
}

export function useForgetDevice() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<void>("DELETE", `/security/devices/${encodeURIComponent(id)}`),
    onSettled: () => client.invalidateQueries({ queryKey: securityKeys.devices }),
  });
}

/** Starts a TOTP enrolment: the secret, its otpauth URI and QR code, shown once. */
export function useEnrolTotp() {
  return useMutation({
    mutationFn: () =>
      request<{ secret: string; otpauthUri: string; qrCode: string }>("POST", "/security/totp"),
  });
}

export function useActivateTotp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => request<{ enabledAt: number }>("POST", "/security/totp/activate", { code }),
    onSuccess: () => client.invalidateQueries({ queryKey: securityKeys.overview }),
  });
}

/** Turns TOTP off: a risk operation (the request asks for a confirmation first when needed). */
export function useDisableTotp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request<void>("DELETE", "/security/totp"),
    onSettled: () => client.invalidateQueries({ queryKey: securityKeys.overview }),
  });
}

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

/** Confirms the user's identity (password or TOTP code): risk operations are admitted until `confirmedUntil`. */
export function confirmIdentity(
  proof: { password: string } | { totp: string },
): Promise<{ confirmedUntil: number }> {
  return request<{ confirmedUntil: number }>("POST", "/session/confirm", proof);
}

/** Sets the user's own e-mail address (null removes it): a risk operation, confirmed first when needed. */
export function useSetEmail() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (email: string | null) =>
      request<{ email: string | null }>("PUT", "/security/email", { email }),
    onSettled: () => client.invalidateQueries({ queryKey: securityKeys.overview }),
  });
}
