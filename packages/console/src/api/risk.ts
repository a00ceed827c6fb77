import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { API, query, request } from "./client.js";

/** A notice to the signed-in user: its kind and facts, worded by the console. */
export interface Notification {
  id: string;
  kind: string;
  appid: string | null;
  data: Record<string, unknown>;
  createdAt: number;
  readAt: number | null;
}

export type ReviewFlag = "idle" | "expiring" | "no_totp";

/** One person's place on one account in the authorization review. */
export interface ReviewRow {
  appid: string;
  userId: string;
  username: string;
  displayName: string | null;
  kind: "super_admin" | "long_term" | "short_term";
  state: "invited" | "active" | "expired";
  switches: string[];
  departments: string[];
  expiresAt: number | null;
  lastActiveAt: number | null;
  totp: boolean;
  flags: ReviewFlag[];
}

export interface RiskSettings {
  appid: string;
  protection: boolean;
  alerts: boolean;
  updatedAt: number | null;
  updatedBy: string | null;
  abilities: {
    manage: { allowed: boolean; reason?: string };
    reveal: { allowed: boolean; reason?: string };
  };
}

export type SecretName = "appSecret" | "token" | "encodingAesKey" | "sendAppSecret";

export const riskKeys = {
  notifications: ["notifications"] as const,
  unread: ["notifications", "unread"] as const,
  review: ["review"] as const,
  settings: (appId: string) => ["risk-settings", appId] as const,
};

/** The unread count for the header's bell, asked again every minute. */
export function useUnreadCount() {
  return useQuery({
    queryKey: riskKeys.unread,
    queryFn: () => request<{ unread: number }>("GET", "/notifications/unread"),
    refetchInterval: 60_000,
  });
}

export function useNotifications(unreadOnly: boolean, cursor: string | undefined) {
  return useQuery({
    queryKey: [...riskKeys.notifications, "list", unreadOnly, cursor ?? ""],
    queryFn: () =>
      request<{ items: Notification[]; nextCursor: string | null; unread: number }>(
        "GET",
        `/notifications${query({ unread: unreadOnly ? "true" : undefined, cursor, limit: 20 })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

/** Marks these notifications (or, without ids, every unread one) read. */
export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) =>
      request<{ marked: number; unread: number }>("POST", "/notifications/read", ids ? { ids } : {}),
    onSettled: () => client.invalidateQueries({ queryKey: riskKeys.notifications }),
  });
}

export function useReview() {
  return useQuery({
    queryKey: riskKeys.review,
    queryFn: () => request<{ items: ReviewRow[]; generatedAt: number }>("GET", "/review"),
  });
}

/** Where the browser downloads the review as CSV. */
export const reviewExportUrl = `${API}/review/export`;

export function useRiskSettings(appId: string) {
  return useQuery({
    queryKey: riskKeys.settings(appId),
    queryFn: () => request<RiskSettings>("GET", `/accounts/${encodeURIComponent(appId)}/risk-settings`),
  });
}

export function useSetRiskSettings(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: { protection?: boolean; alerts?: boolean }) =>
      request<RiskSettings>("PUT", `/accounts/${encodeURIComponent(appId)}/risk-settings`, change),
    onSuccess: (settings) => client.setQueryData(riskKeys.settings(appId), settings),
    onSettled: () => client.invalidateQueries({ queryKey: riskKeys.notifications }),
  });
}

/** Views one secret; each view uses the confirmation up (the dialog asks again next time). */
export function useRevealSecret(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (secret: SecretName) =>
      request<{ name: SecretName; value: string }>(
        "POST",
        `/accounts/${encodeURIComponent(appId)}/secrets/reveal`,
        { secret },
      ),
    onSettled: () => client.invalidateQueries({ queryKey: riskKeys.notifications }),
  });
}
