import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { query, request } from "./client.js";

/**
 * The followers module's calls. Types written after the server's response schemas
 * (`packages/server/src/followers/views.ts`).
 */

export interface FollowerSync {
  state: "idle" | "running" | "done" | "failed";
  runId: string | null;
  done: number;
  total: number;
  pages: number;
  startedAt: number | null;
  updatedAt: number | null;
  finishedAt: number | null;
  /** Followers a second. */
  rate: number | null;
  etaSeconds: number | null;
  lastError: string | null;
}

export interface Follower {
  openId: string;
  unionId: string | null;
  nickname: string | null;
  remark: string;
  language: string | null;
  subscribed: boolean;
  subscribeTime: number | null;
  subscribeScene: string | null;
  qrScene: string | null;
  tagIds: number[];
  lastInteraction: {
    message: number | null;
    menuClick: number | null;
    follow: number | null;
    scan: number | null;
  };
  lastActiveAt: number | null;
}

export interface FollowerTag {
  id: number;
  name: string;
  count: number;
  system: boolean;
}

export interface FollowerFilter {
  tag?: number | undefined;
  scene?: string | undefined;
  activeSince?: number | undefined;
  q?: string | undefined;
}

export const followerKeys = {
  all: ["followers"] as const,
  sync: (appId: string) => ["followers", appId, "sync"] as const,
  list: (appId: string) => ["followers", appId, "list"] as const,
  page: (appId: string, filter: FollowerFilter, cursor: string | undefined) =>
    ["followers", appId, "list", filter, cursor ?? ""] as const,
  tags: (appId: string) => ["followers", appId, "tags"] as const,
};

const base = (appId: string) => `/accounts/${encodeURIComponent(appId)}`;

/** The sync's progress, polled every second while a run is going. */
export function useFollowerSync(appId: string) {
  return useQuery({
    queryKey: followerKeys.sync(appId),
    queryFn: () => request<FollowerSync>("GET", `${base(appId)}/followers/sync`),
    refetchInterval: (q) => (q.state.data?.state === "running" ? 1000 : false),
  });
}

export function useStartSync() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (appId: string) => request<FollowerSync>("POST", `${base(appId)}/followers/sync`),
    onSuccess: (progress, appId) => client.setQueryData(followerKeys.sync(appId), progress),
  });
}

export function useFollowers(appId: string, filter: FollowerFilter, cursor: string | undefined) {
  return useQuery({
    queryKey: followerKeys.page(appId, filter, cursor),
    queryFn: () =>
      request<{ items: Follower[]; next: string | null }>(
        "GET",
        `${base(appId)}/followers${query({ ...filter, cursor, limit: 20 })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useFollowerTags(appId: string) {
  return useQuery({
    queryKey: followerKeys.tags(appId),
    queryFn: async () =>
      (await request<{ items: FollowerTag[] }>("GET", `${base(appId)}/follower-tags`)).items,
  });
}

/** A change to followers or tags: the lists and the tags are read again. */
function useChanged() {
  const client = useQueryClient();
  return (appId: string) =>
    Promise.all([
      client.invalidateQueries({ queryKey: followerKeys.list(appId) }),
      client.invalidateQueries({ queryKey: followerKeys.tags(appId) }),
    ]);
}

export function useSetRemark() {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: { appId: string; openId: string; remark: string }) =>
      request<Follower>("PUT", `${base(input.appId)}/followers/${encodeURIComponent(input.openId)}/remark`, {
        remark: input.remark,
      }),
    onSuccess: (_, input) => changed(input.appId),
  });
}

export function useSaveTag() {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: { appId: string; id?: number; name: string }) =>
      input.id === undefined
        ? request<FollowerTag>("POST", `${base(input.appId)}/follower-tags`, { name: input.name })
        : request<FollowerTag>("PATCH", `${base(input.appId)}/follower-tags/${input.id}`, {
            name: input.name,
          }),
    onSuccess: (_, input) => changed(input.appId),
  });
}

export function useDeleteTag() {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: { appId: string; id: number }) =>
      request<undefined>("DELETE", `${base(input.appId)}/follower-tags/${input.id}`),
    onSuccess: (_, input) => changed(input.appId),
  });
}

export function useTagFollowers() {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: { appId: string; tagId: number; openIds: string[]; tagging: boolean }) =>
      request<{ followers: number; calls: number }>(
        "POST",
        `${base(input.appId)}/follower-tags/${input.tagId}/${input.tagging ? "tagging" : "untagging"}`,
        { openIds: input.openIds },
      ),
    onSuccess: (_, input) => changed(input.appId),
  });
}
