import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { API, query, request } from "./client.js";

export type AuditOutcome = "ok" | "refused" | "failed";

export interface AuditEntry {
  id: string;
  at: number;
  actor: { kind: string; id: string; name: string } | null;
  ip: string;
  userAgent: string | null;
  appid: string | null;
  action: string;
  method: string;
  route: string;
  target: Record<string, unknown>;
  outcome: AuditOutcome;
  status: number;
  errorCode: string | null;
  summary: unknown;
  requestId: string;
}

/** The audit log's filters, as the API names them. */
export interface AuditFilters {
  actor?: string | undefined;
  appid?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

export function useAuditEntries(filters: AuditFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ["audit", filters, cursor ?? ""],
    queryFn: () =>
      request<{ items: AuditEntry[]; nextCursor: string | null }>(
        "GET",
        `/audit${query({ ...filters, cursor, limit: 20 })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

/** Where the browser downloads the filtered entries as CSV (a GET with the session cookie). */
export function auditExportUrl(filters: AuditFilters): string {
  return `${API}/audit/export${query({ ...filters })}`;
}
