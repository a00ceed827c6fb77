import { comparePermissionSets, isVerifiedType, permissionSetName } from "@wxgate/wechat";
import { z } from "zod";
import type { Lifecycle } from "./lifecycle.js";
import { accountAbilitiesView } from "./policy.js";
import type { AccountRow, AuthorizationNoticeRow } from "./repository.js";
import type { MinimumPermissionSets } from "./settings.js";

const permissionSet = z.object({ id: z.number().int(), name: z.string() });

/** The three checks that gate enabling an account (seed: 开启账号). */
export const enableChecksView = z.object({
  verified: z.boolean().describe("The account passed WeChat verification (微信认证)."),
  permissionSets: z.boolean().describe("Every required permission set is granted."),
  openIdMapping: z.boolean().describe("The OpenID mapping is set."),
});

/** Where the account stands in its authorization's life, computed from the clock on each read. */
export const lifecycleView = z.object({
  state: z
    .enum(["active", "expiring", "lapsed", "cooling_off", "unauthorized"])
    .describe(
      "`expiring` from `remindFrom` (30 days before the end); `lapsed` after `expiresAt`: no tokens, cannot be enabled, until authorized again; `cooling_off` until `coolingOffUntil` after a de-authorization: no deletion, no enabling, no tokens.",
    ),
  expiresAt: z
    .number()
    .int()
    .nullable()
    .describe(
      "End of the platform authorization (at most a year); null for direct and external connections.",
    ),
  remindFrom: z.number().int().nullable(),
  coolingOffUntil: z.number().int().nullable().describe("End of the cooling-off after a de-authorization."),
});

/** An account as the API shows it. Secrets never appear: only whether they are configured. */
export const accountView = z.object({
  appId: z.string(),
  kind: z.enum(["subscription", "service", "miniprogram"]),
  connection: z.enum(["component", "direct", "external"]),
  nickname: z.string(),
  originalId: z.string().nullable(),
  principalName: z.string().nullable(),
  headImg: z.string().nullable(),
  serviceType: z.number().int().nullable(),
  verifyType: z.number().int().nullable(),
  verified: z.boolean(),
  accountStatus: z.number().int().nullable(),
  authorizationState: z.enum(["authorized", "unauthorized"]),
  authorizedAt: z.number().int().nullable(),
  unauthorizedAt: z.number().int().nullable(),
  lifecycle: lifecycleView,
  enabled: z.boolean(),
  openIdMapping: z.string().nullable(),
  permissionSets: z.object({
    applicable: z
      .boolean()
      .describe("False for direct and external connections: the account's own token carries every right."),
    requiredSource: z.enum(["setting", "account"]),
    granted: z.array(permissionSet),
    required: z.array(permissionSet),
    missing: z.array(permissionSet),
  }),
  enableChecks: enableChecksView,
  lastTokenError: z
    .object({
      code: z.string(),
      errcode: z.number().int().nullable(),
      rid: z.string().nullable(),
      at: z.number().int(),
    })
    .nullable(),
  miniProgram: z.object({
    sendConfig: z.object({ mode: z.enum(["app_secret", "token_url"]) }).nullable(),
    receiptConfig: z.object({ mode: z.enum(["plaintext", "compatible", "safe"]) }).nullable(),
  }),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type AccountView = z.input<typeof accountView>;

/** An account as the API answers it: with what the caller can do with it now. */
export const accountWithAbilitiesView = accountView.extend({ abilities: accountAbilitiesView });
export type AccountViewWithAbilities = z.input<typeof accountWithAbilitiesView>;

function named(ids: readonly number[]) {
  return ids.map((id) => ({ id, name: permissionSetName(id) ?? `#${id}` }));
}

function parseIds(text: string | null): number[] | undefined {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : undefined;
  } catch {
    return undefined;
  }
}

/** Granted, required and missing permission sets of an account. */
export function permissionSetsOf(row: AccountRow, minimum: MinimumPermissionSets) {
  const override = parseIds(row.required_permission_sets);
  const family = row.kind === "miniprogram" ? "miniprogram" : "official";
  const required = override ?? minimum[family];
  const granted = parseIds(row.func_info) ?? [];
  const applicable = row.connection === "component";
  const compared = comparePermissionSets(granted, applicable ? required : []);
  return {
    applicable,
    requiredSource: override ? ("account" as const) : ("setting" as const),
    granted: compared.granted,
    required: [...new Set(required)].sort((a, b) => a - b),
    missing: compared.missing,
  };
}

/** Whether the account counts as verified: WeChat's word for component accounts, the operator's otherwise. */
export function isVerified(row: AccountRow): boolean {
  if (row.connection === "component") return row.verify_type !== null && isVerifiedType(row.verify_type);
  return row.declared_verified === 1;
}

/** The enable checks, each true when satisfied. */
export function enableChecksOf(row: AccountRow, minimum: MinimumPermissionSets) {
  return {
    verified: isVerified(row),
    permissionSets: permissionSetsOf(row, minimum).missing.length === 0,
    openIdMapping: row.openid_mapping !== null && row.openid_mapping !== "",
  };
}

function lastTokenError(text: string | null): AccountView["lastTokenError"] {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as { code?: unknown; errcode?: unknown; rid?: unknown; at?: unknown };
    return {
      code: typeof value.code === "string" ? value.code : "unknown",
      errcode: typeof value.errcode === "number" ? value.errcode : null,
      rid: typeof value.rid === "string" ? value.rid : null,
      at: typeof value.at === "number" ? value.at : 0,
    };
  } catch {
    return null;
  }
}

/** The presenter: every field is picked by name, so a new column never leaks by accident. */
export function toAccountView(
  row: AccountRow,
  minimum: MinimumPermissionSets,
  lifecycle: Lifecycle,
): AccountView {
  const sets = permissionSetsOf(row, minimum);
  return {
    appId: row.appid,
    kind: row.kind,
    connection: row.connection,
    nickname: row.nickname,
    originalId: row.original_id,
    principalName: row.principal_name,
    headImg: row.head_img,
    serviceType: row.service_type,
    verifyType: row.verify_type,
    verified: isVerified(row),
    accountStatus: row.account_status,
    authorizationState: row.authorization_state,
    authorizedAt: row.authorized_at,
    unauthorizedAt: row.unauthorized_at,
    lifecycle: {
      state: lifecycle.state,
      expiresAt: lifecycle.expiresAt,
      remindFrom: lifecycle.remindFrom,
      coolingOffUntil: lifecycle.coolingOffUntil,
    },
    enabled: row.enabled === 1,
    openIdMapping: row.openid_mapping,
    permissionSets: {
      applicable: sets.applicable,
      requiredSource: sets.requiredSource,
      granted: named(sets.granted),
      required: named(sets.required),
      missing: named(sets.missing),
    },
    enableChecks: enableChecksOf(row, minimum),
    lastTokenError: lastTokenError(row.last_token_error),
    miniProgram: {
      sendConfig: row.send_mode ? { mode: row.send_mode } : null,
      receiptConfig: row.receipt_mode ? { mode: row.receipt_mode } : null,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** One lifecycle notice, as listed. */
export const authorizationNoticeView = z.object({
  id: z.string(),
  appId: z.string(),
  kind: z.enum(["authorization_expiring", "authorization_lapsed"]),
  periodStartedAt: z.number().int().describe("Start of the authorization period the notice is about."),
  expiresAt: z.number().int().describe("The period's end when the notice was recorded."),
  recordedAt: z.number().int(),
});

export function toAuthorizationNoticeView(
  row: AuthorizationNoticeRow,
): z.input<typeof authorizationNoticeView> {
  return {
    id: row.id,
    appId: row.appid,
    kind: row.kind,
    periodStartedAt: row.period_started_at,
    expiresAt: row.expires_at,
    recordedAt: row.recorded_at,
  };
}

/** One clear_quota attempt, as listed. */
export const quotaResetView = z.object({
  at: z.number().int(),
  month: z.string(),
  by: z.string(),
  result: z.enum(["ok", "refused", "failed"]),
  errcode: z.number().int().nullable(),
  rid: z.string().nullable(),
});

/** One outbound API call, as the call log lists it. */
export const apiCallView = z.object({
  id: z.string(),
  api: z.string(),
  method: z.string(),
  errcode: z.number().int(),
  ok: z.boolean(),
  error: z.string().nullable(),
  rid: z.string().nullable(),
  attempt: z.number().int(),
  latencyMs: z.number().int(),
  at: z.number().int(),
});
