import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { request } from "./client.js";
import { type Session, sessionKeys } from "./session.js";
import { upload } from "./upload.js";

/**
 * The customer-service module's calls. Types written after the server's response schemas
 * (`packages/server/src/customer-service/routes.ts`).
 */

export interface KfAccount {
  account: string;
  nickname: string;
  id: string;
  avatarUrl: string;
  boundWeChat: string | null;
}

export type RoutingRule =
  | { kind: "keyword"; value: string; match: "exact" | "contains"; kfAccount: string }
  | { kind: "menu_key"; value: string; kfAccount: string }
  | { kind: "tag"; tagId: number; kfAccount: string };

export const kfKeys = {
  all: ["kf"] as const,
  accounts: (appId: string) => ["kf", appId, "accounts"] as const,
  rules: (appId: string) => ["kf", appId, "rules"] as const,
};

const base = (appId: string) => `/accounts/${encodeURIComponent(appId)}`;

export function useKfAccounts(appId: string) {
  return useQuery({
    queryKey: kfKeys.accounts(appId),
    queryFn: () => request<{ items: KfAccount[] }>("GET", `${base(appId)}/kf-accounts`),
  });
}

export function useAddKfAccount(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { account: string; nickname: string }) =>
      request<KfAccount>("POST", `${base(appId)}/kf-accounts`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: kfKeys.accounts(appId) }),
  });
}

export function useRenameKfAccount(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { account: string; nickname: string }) =>
      request<void>("PATCH", `${base(appId)}/kf-accounts/${encodeURIComponent(input.account)}`, {
        nickname: input.nickname,
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: kfKeys.accounts(appId) }),
  });
}

/** Sends a jpg as a customer-service account's avatar; the list shows WeChat's new address. */
export function useUploadKfAvatar(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { account: string; file: File }) =>
      upload<KfAccount>(
        `${base(appId)}/kf-accounts/${encodeURIComponent(input.account)}/avatar`,
        input.file,
        {},
        client.getQueryData<Session | null>(sessionKeys.all)?.csrfToken ?? "",
        () => undefined,
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: kfKeys.accounts(appId) }),
  });
}

export function useDeleteKfAccount(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (account: string) =>
      request<{ rulesRemoved: number }>(
        "DELETE",
        `${base(appId)}/kf-accounts/${encodeURIComponent(account)}`,
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["kf", appId] }),
  });
}

export function useKfRules(appId: string) {
  return useQuery({
    queryKey: kfKeys.rules(appId),
    queryFn: () => request<{ rules: RoutingRule[] }>("GET", `${base(appId)}/kf-routing`),
  });
}

export function useSaveKfRules(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rules: RoutingRule[]) =>
      request<{ rules: RoutingRule[] }>("PUT", `${base(appId)}/kf-routing`, { rules }),
    onSuccess: () => client.invalidateQueries({ queryKey: kfKeys.rules(appId) }),
  });
}
