import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

/**
 * The sandbox's WeChat users, through the emulator's control API (sandbox mode only): what a
 * follower does, the push WeChat made to wxgate, and what the follower received.
 */
const CONTROL = "/sandbox/__emulator";

export type PushOutcome =
  | "success"
  | "reply"
  | "invalid_reply"
  | "timeout"
  | "http_error"
  | "network_error"
  | "dropped"
  | "failed"
  | "no_target"
  | "with_agent";

export interface FollowerAction {
  openId: string;
  subscribed: boolean;
  xml: string;
  push: { outcome: PushOutcome; status: number; tries: number; replyXml?: string; detail?: string };
}

export interface InboxItem {
  at: number;
  via: string;
  msgType: string;
  content: unknown;
}

export class ControlError extends Error {
  constructor(readonly status: number) {
    super(`the emulator answered ${status}`);
  }
}

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(CONTROL + path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new ControlError(response.status);
  return (await response.json()) as T;
}

export type PhoneAction =
  | { kind: "follow"; nickname?: string }
  | { kind: "text"; content: string }
  | { kind: "click"; key: string }
  | { kind: "scan"; scene: string }
  | { kind: "unfollow" };

/** A follower of a sandbox account, as the emulator lists them. */
export interface Follower {
  openId: string;
  nickname: string;
  subscribed: boolean;
  subscribeTime: number;
}

export const phoneKeys = {
  inbox: (appId: string, openId: string) => ["sandbox", "inbox", appId, openId] as const,
  followers: (appId: string) => ["sandbox", "followers", appId] as const,
};

/** The account's followers in the emulator, newest first; `search` in the nickname or OpenID. */
export function useFollowers(appId: string, search: string) {
  return useQuery({
    queryKey: [...phoneKeys.followers(appId), search],
    queryFn: () =>
      control<{ followers: Follower[]; total: number }>(
        "GET",
        `/accounts/${encodeURIComponent(appId)}/followers?limit=50&q=${encodeURIComponent(search)}`,
      ),
    enabled: appId !== "",
    placeholderData: keepPreviousData,
  });
}

export function useFollowerAction(appId: string, openId: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: PhoneAction) => {
      const who = { appId, ...(openId ? { openId } : {}) };
      switch (action.kind) {
        case "follow":
          return control<FollowerAction>("POST", "/follower/follow", { ...who, nickname: action.nickname });
        case "text":
          return control<FollowerAction>("POST", "/follower/send-text", { ...who, content: action.content });
        case "click":
          return control<FollowerAction>("POST", "/follower/click", { ...who, key: action.key });
        case "scan":
          return control<FollowerAction>("POST", "/follower/scan", { ...who, scene: action.scene });
        case "unfollow":
          return control<FollowerAction>("POST", "/follower/unfollow", who);
      }
    },
    onSettled: (result, _error, action) => {
      if (result) void client.invalidateQueries({ queryKey: phoneKeys.inbox(appId, result.openId) });
      if (action.kind === "follow" || action.kind === "unfollow" || action.kind === "scan")
        void client.invalidateQueries({ queryKey: phoneKeys.followers(appId) });
    },
  });
}

export function useInbox(appId: string, openId: string | undefined) {
  return useQuery({
    queryKey: phoneKeys.inbox(appId, openId ?? ""),
    queryFn: async () =>
      (
        await control<{ inbox: InboxItem[] }>(
          "GET",
          `/follower/inbox?appId=${encodeURIComponent(appId)}&openId=${encodeURIComponent(openId ?? "")}`,
        )
      ).inbox,
    enabled: !!openId,
  });
}

/** The text of a passive reply's XML, when it is a text message. */
export function replyText(xml: string | undefined): string | undefined {
  if (!xml) return undefined;
  return /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(xml)?.[1];
}
