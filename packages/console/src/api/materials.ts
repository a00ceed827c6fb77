import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { API, query, request } from "./client.js";
import { type Session, sessionKeys } from "./session.js";
import { upload } from "./upload.js";

/**
 * The materials module's calls. Types written after the server's response schemas
 * (`packages/server/src/materials/routes.ts`).
 */

export type MediaType = "image" | "voice" | "video" | "thumb";
export type ItemType = MediaType | "news";
export type ListType = "image" | "voice" | "video" | "news";
export type MaterialKind = "temporary" | "permanent";

export interface NewsArticle {
  title: string;
  thumb_media_id: string;
  author?: string;
  digest?: string;
  show_cover_pic: 0 | 1;
  content: string;
  content_source_url: string;
}

export interface MaterialItem {
  mediaId: string;
  kind: MaterialKind;
  type: ItemType;
  name: string;
  size: number;
  url: string | null;
  articles: NewsArticle[] | null;
  createdAt: number;
  expiresAt: number | null;
}

export interface TypeLimit {
  maxBytes: number;
  extensions: string[];
  maxSeconds?: number;
}
export interface MaterialLimits {
  temporary: Record<MediaType, TypeLimit>;
  permanent: Record<MediaType, TypeLimit>;
  temporaryDays: number;
}
export type MaterialCounts = Record<ListType, { count: number; limit: number }>;

export const materialKeys = {
  all: ["materials"] as const,
  of: (appId: string) => ["materials", appId] as const,
  page: (appId: string, filter: { type: string; kind: string; after: string | undefined }) =>
    ["materials", appId, "page", filter] as const,
  counts: (appId: string) => ["materials", appId, "counts"] as const,
  limits: (appId: string) => ["materials", appId, "limits"] as const,
};

const base = (appId: string) => `/accounts/${encodeURIComponent(appId)}/materials`;

/** Where the console shows a file's preview (the server fetches it from WeChat). */
export function contentUrl(appId: string, mediaId: string): string {
  return `${API}${base(appId)}/${encodeURIComponent(mediaId)}/content`;
}

export function useMaterials(
  appId: string,
  filter: { type: string; kind: string; after: string | undefined },
) {
  return useQuery({
    queryKey: materialKeys.page(appId, filter),
    queryFn: () =>
      request<{ items: MaterialItem[]; next: string | null }>(
        "GET",
        `${base(appId)}${query({ type: filter.type, kind: filter.kind, after: filter.after, limit: 20 })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

/** One type's media and materials, newest first, a page at a time ("load more"), for pickers. */
export function useMaterialChoices(
  appId: string,
  type: ItemType,
  kind: MaterialKind | undefined,
  enabled: boolean,
) {
  return useInfiniteQuery({
    queryKey: [...materialKeys.of(appId), "choices", type, kind ?? "all"] as const,
    queryFn: ({ pageParam }) =>
      request<{ items: MaterialItem[]; next: string | null }>(
        "GET",
        `${base(appId)}${query({ type, kind, after: pageParam, limit: 20 })}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.next ?? undefined,
    enabled,
  });
}

export function useMaterialCounts(appId: string) {
  return useQuery({
    queryKey: materialKeys.counts(appId),
    queryFn: () => request<MaterialCounts>("GET", `${base(appId)}/counts`),
  });
}

export function useMaterialLimits(appId: string) {
  return useQuery({
    queryKey: materialKeys.limits(appId),
    queryFn: () => request<MaterialLimits>("GET", `${base(appId)}/limits`),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Uploads a file as a temporary media or a permanent material, reporting progress. */
export function useUploadMaterial(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      kind: MaterialKind;
      type: MediaType;
      file: File;
      fields: Record<string, string>;
      onProgress(fraction: number): void;
    }) =>
      upload<MaterialItem>(
        `${input.kind === "temporary" ? `${base(appId)}/media` : base(appId)}?type=${input.type}`,
        input.file,
        input.fields,
        client.getQueryData<Session | null>(sessionKeys.all)?.csrfToken ?? "",
        input.onProgress,
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: materialKeys.of(appId) }),
  });
}

export function useAddNews(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (articles: Partial<NewsArticle>[]) =>
      request<MaterialItem>("POST", `${base(appId)}/news`, { articles }),
    onSuccess: () => client.invalidateQueries({ queryKey: materialKeys.of(appId) }),
  });
}

export function useSyncMaterials(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (type: ListType) =>
      request<{ added: number; removed: number; total: number }>("POST", `${base(appId)}/sync`, { type }),
    onSuccess: () => client.invalidateQueries({ queryKey: materialKeys.of(appId) }),
  });
}

export function useDeleteMaterial(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (mediaId: string) => request<void>("DELETE", `${base(appId)}/${encodeURIComponent(mediaId)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: materialKeys.of(appId) }),
  });
}
