import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { request } from "./client.js";

export const SCOPES = [
  "token:read",
  "events:read",
  "accounts:read",
  "accounts:write",
  "webhooks:write",
  "admin",
] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const apiKeyKeys = { all: ["api-keys"] as const };

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeyKeys.all,
    queryFn: async () => (await request<{ items: ApiKey[] }>("GET", "/api-keys")).items,
  });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: Scope[] }) =>
      request<ApiKey & { key: string }>("POST", "/api-keys", input),
    onSettled: () => client.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<void>("DELETE", `/api-keys/${encodeURIComponent(id)}`),
    onSettled: () => client.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
