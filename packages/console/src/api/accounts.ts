import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { query, request } from "./client.js";

export type AccountKind = "subscription" | "service" | "miniprogram";
export type Connection = "component" | "direct" | "external";
export type LifecycleState = "active" | "expiring" | "lapsed" | "cooling_off" | "unauthorized";

/** What the caller can do with an account, by the server's rules: `reason` is a stable code. */
export interface Ability {
  allowed: boolean;
  reason?: string;
}

/** The operations an account view carries an {@link Ability} for. */
export type AccountAbility =
  | "enable"
  | "disable"
  | "delete"
  | "resetQuota"
  | "updateAuthorization"
  | "setAuthorizationExpiry"
  | "syncProfile"
  | "setOpenIdMapping"
  | "setRequiredPermissionSets"
  | "setSendConfig"
  | "setReceiptConfig";

export interface PermissionSet {
  id: number;
  name: string;
}

/** An account as GET /accounts and GET /accounts/{appid} answer it. */
export interface Account {
  appId: string;
  kind: AccountKind;
  connection: Connection;
  nickname: string;
  originalId: string | null;
  principalName: string | null;
  headImg: string | null;
  verified: boolean;
  authorizationState: "authorized" | "unauthorized";
  authorizedAt: number | null;
  unauthorizedAt: number | null;
  lifecycle: {
    state: LifecycleState;
    expiresAt: number | null;
    remindFrom: number | null;
    coolingOffUntil: number | null;
  };
  enabled: boolean;
  openIdMapping: string | null;
  permissionSets: {
    applicable: boolean;
    requiredSource: "setting" | "account";
    granted: PermissionSet[];
    required?: PermissionSet[];
    missing: PermissionSet[];
  };
  enableChecks: { verified: boolean; permissionSets: boolean; openIdMapping: boolean };
  lastTokenError: { code: string; errcode: number | null; rid: string | null; at: number } | null;
  miniProgram?: {
    sendConfig: { mode: "app_secret" | "token_url" } | null;
    receiptConfig: { mode: ReceiptMode } | null;
  };
  createdAt: number;
  updatedAt: number;
  abilities: Record<AccountAbility, Ability>;
}

export interface Usage {
  month: string;
  used: number;
  limit: number;
  remaining: number;
}

export interface AuthorizationLink {
  id: string;
  pcUrl: string;
  mobileUrl: string;
  qrCode: string;
  expiresAt: number;
}

export interface QuotaResets extends Usage {
  history: Array<{
    at: number;
    month: string;
    by: string;
    result: "ok" | "refused" | "failed";
    errcode: number | null;
    rid: string | null;
  }>;
}

export interface EventItem {
  id: string;
  appId: string;
  kind: string;
  msgType: string | null;
  event: string | null;
  fromOpenId: string | null;
  createTime: number | null;
  receivedAt: number;
  mode: string;
  status: string;
  replied: boolean;
}

export interface ApiCall {
  id: string;
  api: string;
  method: string;
  errcode: number;
  ok: boolean;
  error: string | null;
  rid: string | null;
  attempt: number;
  latencyMs: number;
  at: number;
}

export const accountKeys = {
  all: ["accounts"] as const,
  list: () => ["accounts", "list"] as const,
  one: (appId: string) => ["accounts", "one", appId] as const,
  quota: (appId: string) => ["accounts", "quota", appId] as const,
  events: (appId: string, filter: EventFilter) =>
    ["accounts", "events", appId, filter.type, filter.from ?? 0, filter.to ?? 0] as const,
  apiCalls: (appId: string, errcode: string) => ["accounts", "api-calls", appId, errcode] as const,
  usage: () => ["authorizations", "usage"] as const,
};

const path = (appId: string, rest = "") => `/accounts/${encodeURIComponent(appId)}${rest}`;

export function useAccounts(enabled = true) {
  return useQuery({
    enabled,
    queryKey: accountKeys.list(),
    queryFn: async () => (await request<{ items: Account[] }>("GET", "/accounts")).items,
  });
}

export function useAccount(appId: string, enabled = true) {
  return useQuery({
    queryKey: accountKeys.one(appId),
    queryFn: () => request<Account>("GET", path(appId)),
    enabled,
  });
}

export function useUsage(enabled = true) {
  return useQuery({
    enabled,
    queryKey: accountKeys.usage(),
    queryFn: () => request<Usage>("GET", "/authorizations/usage"),
  });
}

export function useQuotaResets(appId: string, enabled = true) {
  return useQuery({
    queryKey: accountKeys.quota(appId),
    queryFn: () => request<QuotaResets>("GET", path(appId, "/quota/resets")),
    enabled,
  });
}

/** Filters of an account's events: a push type, and received-time bounds (epoch ms, inclusive). */
export interface EventFilter {
  type: string;
  from?: number | undefined;
  to?: number | undefined;
}

export function useEvents(appId: string, filter: EventFilter, cursor: string | undefined) {
  return useQuery({
    queryKey: [...accountKeys.events(appId, filter), cursor ?? ""],
    queryFn: () =>
      request<{ items: EventItem[]; nextCursor: string | null }>(
        "GET",
        `/events${query({ appid: appId, type: filter.type || undefined, from: filter.from, to: filter.to, cursor, limit: 10 })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useApiCalls(appId: string, errcode: string, before: string | undefined) {
  return useQuery({
    queryKey: [...accountKeys.apiCalls(appId, errcode), before ?? ""],
    queryFn: () =>
      request<{ items: ApiCall[]; nextBefore: string | null }>(
        "GET",
        path(appId, `/api-calls${query({ errcode: errcode || undefined, before, limit: 10 })}`),
      ),
    placeholderData: keepPreviousData,
  });
}

/** A mutation on one account that refreshes what the console knows of accounts. */
function useAccountMutation<TInput, TResult>(run: (input: TInput) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => client.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

export const useSetOpenIdMapping = () =>
  useAccountMutation((input: { appId: string; property: string }) =>
    request<Account>("PUT", path(input.appId, "/openid-mapping"), { property: input.property }),
  );
/** Moves the end of the platform authorization: a date, or days from the period's start. */
export const useSetAuthorizationExpiry = () =>
  useAccountMutation((input: { appId: string } & ({ expiresAt: number } | { validityDays: number })) => {
    const { appId, ...body } = input;
    return request<Account>("PUT", path(appId, "/authorization-expiry"), body);
  });

export type SendConfigInput =
  | { mode: "app_secret"; appSecret: string }
  | { mode: "token_url"; tokenUrl: string; header?: string };
export const useSetSendConfig = () =>
  useAccountMutation((input: { appId: string; config: SendConfigInput }) =>
    request<Account>("PUT", path(input.appId, "/miniprogram/send-config"), input.config),
  );

export type ReceiptMode = "plaintext" | "compatible" | "safe";
export interface ReceiptConfigInput {
  token: string;
  encodingAESKey?: string;
  mode: ReceiptMode;
}
export const useSetReceiptConfig = () =>
  useAccountMutation((input: { appId: string; config: ReceiptConfigInput }) =>
    request<Account>("PUT", path(input.appId, "/miniprogram/receipt-config"), input.config),
  );

export const useEnable = () =>
  useAccountMutation((appId: string) => request<Account>("POST", path(appId, "/enable")));
export const useDisable = () =>
  useAccountMutation((appId: string) => request<Account>("POST", path(appId, "/disable")));
export const useResetQuota = () =>
  useAccountMutation((appId: string) => request<Usage>("POST", path(appId, "/quota/reset")));
export const useRefreshInfo = () =>
  useAccountMutation((appId: string) => request<Account>("POST", path(appId, "/refresh-info")));
/** Deleting: what was kept of the account leaves the cache (asking again would be a 404). */
export function useDeleteAccount() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { appId: string; confirm: string }) =>
      request<{ deleted: Record<string, number> }>("DELETE", path(input.appId), { confirm: input.confirm }),
    onSuccess: (_result, input) => {
      client.removeQueries({
        predicate: (query) => query.queryKey[0] === "accounts" && query.queryKey.includes(input.appId),
      });
      void client.invalidateQueries({ queryKey: accountKeys.list() });
    },
  });
}

export function useCreateAuthorization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { authType?: 1 | 2 | 3; appId?: string }) =>
      input.appId
        ? request<AuthorizationLink>("POST", path(input.appId, "/authorization-update"))
        : request<AuthorizationLink>("POST", "/authorizations", { authType: input.authType ?? 3 }),
    onSettled: () => client.invalidateQueries({ queryKey: accountKeys.usage() }),
  });
}

export type ConnectInput = {
  appId: string;
  kind: AccountKind;
  verified: boolean;
  nickname?: string;
} & ({ appSecret: string } | { tokenUrl: string; header?: string });

export function useConnectAccount() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ConnectInput) => request<Account>("POST", "/accounts", input),
    onSettled: () => client.invalidateQueries({ queryKey: accountKeys.all }),
  });
}
