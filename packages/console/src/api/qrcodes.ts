import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { API, query, request } from "./client.js";

/**
 * The qrcodes module's calls: channel and fission codes, their daily figures, the fission tree.
 * Types written after the server's response schemas (`packages/server/src/qrcodes/views.ts`).
 */

export interface QrTotals {
  scans: number;
  newFollowers: number;
  unfollows: number;
}

export interface QrCode {
  id: string;
  kind: "channel" | "fission";
  name: string | null;
  scene: string;
  inviterOpenId: string | null;
  ticket: string;
  url: string;
  /** `/api/v1/...`: the PNG, same origin. */
  imageUrl: string;
  expiresAt: number | null;
  createdAt: number;
  totals?: QrTotals;
}

export interface QrBatchItem {
  index: number;
  name: string;
  scene: string;
  status: "pending" | "created" | "failed";
  code: QrCode | null;
  reason: string | null;
  message: string | null;
  errcode: number | null;
}

/** A batch of channel codes: the rules checked at once, then made by a job, item after item. */
export interface QrBatch {
  id: string;
  status: "running" | "done";
  total: number;
  /** Items done, made or refused. */
  done: number;
  created: number;
  failed: number;
  createdAt: number;
  items: QrBatchItem[];
}

export interface QrSeries {
  scene: string;
  code: QrCode | null;
  points: (QrTotals & { day: string })[];
  totals: QrTotals;
}

export interface QrStats {
  from: string;
  to: string;
  days: string[];
  series: QrSeries[];
}

export interface FissionNode {
  openId: string;
  invitedBy: string | null;
  depth: number;
  subscribedAt: number | null;
  unfollowed: boolean | null;
  invited: number;
  stillFollowing: number;
  descendants: number;
}

export interface FissionTree {
  nodes: FissionNode[];
  invitations: number;
  truncated: boolean;
}

export const qrcodeKeys = {
  all: (appId: string) => ["qrcodes", appId] as const,
  list: (appId: string, kind: string) => ["qrcodes", appId, "list", kind] as const,
  stats: (appId: string, from: string, to: string) => ["qrcodes", appId, "stats", from, to] as const,
  tree: (appId: string) => ["qrcodes", appId, "tree"] as const,
  batch: (appId: string, id: string) => ["qrcodes", appId, "batch", id] as const,
};

const base = (appId: string, rest = "") => `/accounts/${encodeURIComponent(appId)}/qrcodes${rest}`;

/** The image's address (a plain GET with the session cookie: usable as a link or an <img>). */
export function imageHref(code: QrCode): string {
  return code.imageUrl;
}

/** The CSV export's address for a range of days. */
export function exportHref(appId: string, from: string, to: string): string {
  return `${API}${base(appId, "/stats/export")}${query({ from, to })}`;
}

export function useQrCodes(appId: string, kind: "channel" | "fission") {
  return useQuery({
    queryKey: qrcodeKeys.list(appId, kind),
    queryFn: () =>
      request<{ items: QrCode[]; nextCursor: string | null }>(
        "GET",
        base(appId, query({ kind, limit: 200 })),
      ),
  });
}

export function useQrStats(appId: string, from: string, to: string) {
  return useQuery({
    queryKey: qrcodeKeys.stats(appId, from, to),
    queryFn: () => request<QrStats>("GET", base(appId, `/stats${query({ from, to, kind: "channel" })}`)),
  });
}

export function useFissionTree(appId: string) {
  return useQuery({
    queryKey: qrcodeKeys.tree(appId),
    queryFn: () => request<FissionTree>("GET", base(appId, "/fission/tree")),
  });
}

function useChanged() {
  const client = useQueryClient();
  return (appId: string) => client.invalidateQueries({ queryKey: qrcodeKeys.all(appId) });
}

export function useCreateChannel() {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: { appId: string; name: string; scene?: string }) => {
      const { appId, ...body } = input;
      return request<QrCode>("POST", base(appId, "/channels"), body);
    },
    onSettled: (_data, _error, input) => changed(input.appId),
  });
}

export function useCreateChannels() {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: { appId: string; channels: { name: string; scene?: string }[] }) =>
      request<QrBatch>("POST", base(input.appId, "/channels/batch"), { channels: input.channels }),
    onSettled: (_data, _error, input) => changed(input.appId),
  });
}

/** A batch's progress, asked again every second while it runs; the codes' list once it is done. */
export function useQrBatch(appId: string, id: string | undefined) {
  const client = useQueryClient();
  return useQuery({
    queryKey: qrcodeKeys.batch(appId, id ?? ""),
    queryFn: async () => {
      const batch = await request<QrBatch>("GET", base(appId, `/batches/${encodeURIComponent(id ?? "")}`));
      // The lists only: the batch's own key is under the account's too, and must not ask again.
      if (batch.status === "done") void client.invalidateQueries({ queryKey: ["qrcodes", appId, "list"] });
      return batch;
    },
    enabled: id !== undefined,
    refetchInterval: (query) => (query.state.data?.status === "done" ? false : 1000),
  });
}

export function useCreateFission() {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: { appId: string; inviterOpenId: string; expireSeconds: number }) => {
      const { appId, ...body } = input;
      return request<{ code: QrCode; created: boolean }>("POST", base(appId, "/fission"), body);
    },
    onSettled: (_data, _error, input) => changed(input.appId),
  });
}
