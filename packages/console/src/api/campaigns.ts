import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { query, request } from "./client.js";

/**
 * The campaigns module's calls (运营计划): an account's sends to its followers by mass send,
 * template message, customer-service message (48-hour push) or mini program subscription
 * message. Types follow the module's API.
 */

export type Channel = "mass" | "template" | "custom" | "subscribe";
export const CHANNELS: readonly Channel[] = ["template", "mass", "custom", "subscribe"];

export type Audience =
  | { kind: "all" }
  | { kind: "tag"; tagId: number }
  | { kind: "active48h" }
  | { kind: "list"; listId: string }
  | { kind: "subscribers"; templateId: string };
export type AudienceKind = Audience["kind"];

export type MassType = "mpnews" | "text" | "image" | "voice" | "mpvideo";
export type CustomType = "text" | "image" | "voice" | "video" | "news" | "miniprogrampage";

export type CampaignContent =
  | { channel: "mass"; type: MassType; mediaId?: string; text?: string }
  | {
      channel: "template";
      templateId: string;
      data: Record<string, { value: string; color?: string }>;
      url?: string;
      miniprogram?: { appid: string; pagepath?: string };
    }
  | {
      channel: "custom";
      type: CustomType;
      text?: string;
      mediaId?: string;
      title?: string;
      description?: string;
      url?: string;
      picUrl?: string;
      appid?: string;
      pagepath?: string;
      thumbMediaId?: string;
    }
  | { channel: "subscribe"; templateId: string; data: Record<string, { value: string }>; page?: string };

export type CampaignStatus =
  | "draft"
  | "awaiting_approval"
  | "scheduled"
  | "sending"
  | "paused"
  | "completed"
  | "cancelled";
export const STATUSES: readonly CampaignStatus[] = [
  "draft",
  "awaiting_approval",
  "scheduled",
  "sending",
  "paused",
  "completed",
  "cancelled",
];

export type CampaignAbility = "edit" | "submit" | "approve" | "pause" | "resume" | "cancel" | "preview";

export type RecipientStatus = "pending" | "sending" | "sent" | "failed" | "skipped";
export const RECIPIENT_STATUSES: readonly RecipientStatus[] = [
  "pending",
  "sending",
  "sent",
  "failed",
  "skipped",
];

export interface Progress {
  total: number;
  byStatus: Record<RecipientStatus, number>;
  /** Sent a second over the last minute. */
  ratePerSecond: number;
  etaSeconds: number | null;
  errcodes: Array<{ errcode: number; count: number }>;
  skipped: Array<{ reason: string; count: number }>;
  receipts: { confirmed: number; failed: number };
}

export interface Person {
  id: string;
  name: string;
}

export interface Campaign {
  id: string;
  appId: string;
  name: string;
  channel: Channel;
  audience: Audience;
  content: CampaignContent;
  scheduledAt: string | null;
  status: CampaignStatus;
  createdBy: Person | null;
  approvedBy: Person | null;
  createdAt: string;
  submittedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  progress: Progress;
  abilities: CampaignAbility[];
}

/** What the operator writes. */
export interface CampaignInput {
  name: string;
  channel: Channel;
  audience: Audience;
  content: CampaignContent;
  scheduledAt?: string | null;
}

export interface PreflightCheck {
  check: string;
  ok: boolean;
  reason?: string;
  details?: Record<string, unknown>;
}

export interface Preflight {
  ok: boolean;
  checks: PreflightCheck[];
  audience: { total: number; eligible: number; skipped: Array<{ reason: string; count: number }> };
}

export interface Recipient {
  openId: string;
  status: RecipientStatus;
  attempts: number;
  msgid: string | null;
  errcode: number | null;
  rid: string | null;
  reason: string | null;
  sentAt: string | null;
}

export interface CampaignTemplate {
  templateId: string;
  title: string;
  content: string;
  example: string;
  fields: string[];
  /** A mini program's subscription template: one-time or long-term. */
  subscription?: "one_time" | "long_term";
}

export interface UploadedList {
  listId: string;
  rows: number;
  resolved: number;
  unknown: Array<{ row: number; id: string; reason: string }>;
}

export interface CampaignSettings {
  approvalRequired: boolean;
  sendsPerSecond: number;
}

/** One broken part of a refused campaign, where it is (`content.data.keyword1.value`). */
export interface ContentProblem {
  field: string;
  reason: string;
  limit?: number;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const campaignKeys = {
  all: ["campaigns"] as const,
  account: (appId: string) => ["campaigns", "account", appId] as const,
  list: (appId: string, status: CampaignStatus | undefined) =>
    ["campaigns", "account", appId, "list", status ?? ""] as const,
  templates: (appId: string) => ["campaigns", "account", appId, "templates"] as const,
  settings: (appId: string) => ["campaigns", "account", appId, "settings"] as const,
  subscribers: (appId: string, templateId: string) =>
    ["campaigns", "account", appId, "subscribers", templateId] as const,
  one: (id: string) => ["campaigns", id] as const,
  progress: (id: string) => ["campaigns", id, "progress"] as const,
  allRecipients: (id: string) => ["campaigns", id, "recipients"] as const,
  recipients: (id: string, status: RecipientStatus | undefined) =>
    ["campaigns", id, "recipients", status ?? ""] as const,
};

const accountBase = (appId: string) => `/accounts/${encodeURIComponent(appId)}/campaigns`;
const campaignBase = (id: string) => `/campaigns/${encodeURIComponent(id)}`;
const PAGE = 20;

/** An account's campaigns, newest first, a page at a time ("load more"). */
export function useCampaigns(appId: string, status: CampaignStatus | undefined) {
  return useInfiniteQuery({
    queryKey: campaignKeys.list(appId, status),
    queryFn: ({ pageParam }) =>
      request<Page<Campaign>>(
        "GET",
        `${accountBase(appId)}${query({ status, cursor: pageParam, limit: PAGE })}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A campaign; read again every few seconds while it may change by itself. */
export function useCampaign(id: string) {
  return useQuery({
    queryKey: campaignKeys.one(id),
    queryFn: () => request<Campaign>("GET", campaignBase(id)),
    refetchInterval: (q) => {
      const status = q.state.data?.status;
      return status === "sending" || status === "scheduled" ? 5_000 : false;
    },
  });
}

/** The progress of a campaign being sent, every second (the cheap read the API keeps for this). */
export function useCampaignProgress(id: string, sending: boolean) {
  return useQuery({
    queryKey: campaignKeys.progress(id),
    queryFn: () => request<Progress>("GET", `${campaignBase(id)}/progress`),
    enabled: sending,
    refetchInterval: sending ? 1_000 : false,
  });
}

/** A campaign's recipients, filtered by their delivery state, a page at a time. */
export function useRecipients(id: string, status: RecipientStatus | undefined, live: boolean) {
  return useInfiniteQuery({
    queryKey: campaignKeys.recipients(id, status),
    queryFn: ({ pageParam }) =>
      request<Page<Recipient>>(
        "GET",
        `${campaignBase(id)}/recipients${query({ status, cursor: pageParam, limit: PAGE })}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While sending, the rows change under the first page; later pages stay as loaded.
    refetchInterval: (q) =>
      live && (q.state.data as InfiniteData<Page<Recipient>> | undefined)?.pages.length === 1 ? 3_000 : false,
  });
}

export function useCampaignTemplates(appId: string, enabled: boolean) {
  return useQuery({
    queryKey: campaignKeys.templates(appId),
    queryFn: async () =>
      (await request<{ items: CampaignTemplate[] }>("GET", `${accountBase(appId)}/templates`)).items,
    enabled,
    staleTime: 60_000,
  });
}

/** How many mini program users hold consent to a subscription template now (the `subscribers` audience). */
export function useSubscribersCount(appId: string, templateId: string | undefined) {
  return useQuery({
    queryKey: campaignKeys.subscribers(appId, templateId ?? ""),
    queryFn: async () =>
      (
        await request<{ templateId: string; count: number }>(
          "GET",
          `${accountBase(appId)}/subscribers?templateId=${encodeURIComponent(templateId ?? "")}`,
        )
      ).count,
    enabled: Boolean(templateId),
    staleTime: 10_000,
  });
}

export function useCampaignSettings(appId: string) {
  return useQuery({
    queryKey: campaignKeys.settings(appId),
    queryFn: () => request<CampaignSettings>("GET", `${accountBase(appId)}/settings`),
  });
}

export function useSaveCampaignSettings(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: CampaignSettings) =>
      request<CampaignSettings>("PUT", `${accountBase(appId)}/settings`, settings),
    onSuccess: (saved) => client.setQueryData(campaignKeys.settings(appId), saved),
  });
}

/** A campaign changed: it and its account's lists are read again. */
function useChanged() {
  const client = useQueryClient();
  return (campaign: Campaign) => {
    client.setQueryData(campaignKeys.one(campaign.id), campaign);
    client.setQueryData(campaignKeys.progress(campaign.id), campaign.progress);
    return Promise.all([
      client.invalidateQueries({ queryKey: campaignKeys.account(campaign.appId) }),
      client.invalidateQueries({ queryKey: campaignKeys.allRecipients(campaign.id) }),
    ]);
  };
}

export function useCreateCampaign(appId: string) {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: CampaignInput) => request<Campaign>("POST", accountBase(appId), input),
    onSuccess: changed,
  });
}

export function useUpdateCampaign(id: string) {
  const changed = useChanged();
  return useMutation({
    mutationFn: (input: CampaignInput) => request<Campaign>("PATCH", campaignBase(id), input),
    onSuccess: changed,
  });
}

export function useDeleteCampaign(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<undefined>("DELETE", campaignBase(id)),
    onSuccess: (_, id) => {
      client.removeQueries({ queryKey: campaignKeys.one(id) });
      return client.invalidateQueries({ queryKey: campaignKeys.account(appId) });
    },
  });
}

export function usePreflight(id: string) {
  return useMutation({
    mutationFn: () => request<Preflight>("POST", `${campaignBase(id)}/preflight`),
  });
}

export function usePreviewCampaign(id: string) {
  return useMutation({
    mutationFn: (openId: string) =>
      request<{ sent: true; msgid?: string | number }>("POST", `${campaignBase(id)}/preview`, { openId }),
  });
}

/** Sends the campaign (or hands it for approval, or schedules it). */
export function useSubmitCampaign(id: string) {
  const changed = useChanged();
  return useMutation({
    mutationFn: () => request<Campaign>("POST", `${campaignBase(id)}/submit`),
    onSuccess: changed,
  });
}

export type CampaignCommand = "approve" | "reject" | "pause" | "resume" | "cancel";

/** Approve, reject, pause, resume or cancel. */
export function useCampaignCommand(id: string) {
  const changed = useChanged();
  return useMutation({
    mutationFn: ({ command, reason }: { command: CampaignCommand; reason?: string }) =>
      request<Campaign>(
        "POST",
        `${campaignBase(id)}/${command}`,
        command === "reject" ? (reason ? { reason } : {}) : undefined,
      ),
    onSuccess: changed,
  });
}

export function useUploadList(appId: string) {
  return useMutation({
    mutationFn: (input: { name: string; csv: string }) =>
      request<UploadedList>("POST", `${accountBase(appId)}/lists`, input),
  });
}

/** The problems of a refused campaign, when the refusal lists them. */
export function problemsOf(details: unknown): ContentProblem[] {
  if (details && typeof details === "object" && "problems" in details) {
    const problems = (details as { problems: unknown }).problems;
    if (Array.isArray(problems)) return problems as ContentProblem[];
  }
  return [];
}

/** The failed checks of a refused submit (409 `preflight_failed`). */
export function checksOf(details: unknown): PreflightCheck[] {
  if (details && typeof details === "object" && "checks" in details) {
    const checks = (details as { checks: unknown }).checks;
    if (Array.isArray(checks)) return checks as PreflightCheck[];
  }
  return [];
}
