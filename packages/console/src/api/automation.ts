import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { request } from "./client.js";

export type RuleKind = "keyword" | "follow" | "default" | "click";
export type ReplyMode = "all" | "random";

export interface Keyword {
  text: string;
  match: "exact" | "contains";
}

export type RuleReply =
  | { type: "text"; content: string }
  | { type: "image"; mediaId: string }
  | { type: "voice"; mediaId: string }
  | { type: "video"; mediaId: string; thumbMediaId?: string; title?: string; description?: string }
  | { type: "news"; title: string; description?: string; url: string; picUrl?: string }
  | { type: "transfer_customer_service"; kfAccount?: string };

export interface Schedule {
  days: number[];
  from: string;
  to: string;
  utcOffsetMinutes: number;
}

/** What the operator writes. */
export interface RuleInput {
  name: string;
  kind: RuleKind;
  keywords: Keyword[];
  menuKey: string | null;
  priority: number;
  schedule: Schedule | null;
  mode: ReplyMode;
  replies: RuleReply[];
  enabled: boolean;
}

export interface Rule extends RuleInput {
  id: string;
  appId: string;
  position: number;
  createdAt: number;
  updatedAt: number;
  updatedBy: string | null;
}

/** One broken rule of a refused save, where it is (`replies.0.content`). */
export interface RuleProblem {
  reason: string;
  field: string;
  limit?: number;
}

export type TestMessage =
  | { type: "text"; content: string }
  | { type: "other" }
  | { type: "follow" }
  | { type: "click"; key: string };

export interface TestOutcome {
  rule: Rule | null;
  via: "keyword" | "default" | "follow" | "click" | "none";
}

export const automationKeys = {
  all: ["automation"] as const,
  rules: (appId: string) => ["automation", appId, "rules"] as const,
};

const base = (appId: string) => `/accounts/${encodeURIComponent(appId)}/automation`;

export function useRules(appId: string) {
  return useQuery({
    queryKey: automationKeys.rules(appId),
    queryFn: () => request<{ items: Rule[] }>("GET", `${base(appId)}/rules`),
  });
}

export function useSaveRule(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: RuleInput }) =>
      id
        ? request<Rule>("PATCH", `${base(appId)}/rules/${encodeURIComponent(id)}`, input)
        : request<Rule>("POST", `${base(appId)}/rules`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: automationKeys.rules(appId) }),
  });
}

export function useDeleteRule(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<void>("DELETE", `${base(appId)}/rules/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: automationKeys.rules(appId) }),
  });
}

export function useReorderRules(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => request<{ items: Rule[] }>("PUT", `${base(appId)}/order`, { ids }),
    onSuccess: () => client.invalidateQueries({ queryKey: automationKeys.rules(appId) }),
  });
}

export function useTestMessage(appId: string) {
  return useMutation({
    mutationFn: (message: TestMessage) => request<TestOutcome>("POST", `${base(appId)}/test`, { message }),
  });
}

/** The problems of a refused save, when the refusal lists them. */
export function problemsOf(details: unknown): RuleProblem[] {
  if (details && typeof details === "object" && "problems" in details) {
    const problems = (details as { problems: unknown }).problems;
    if (Array.isArray(problems)) return problems as RuleProblem[];
  }
  return [];
}
