import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Menu, MenuTopButton } from "@wxgate/wechat/menus";
import { request } from "./client.js";

/** A button as the editor holds it: every field optional, the rules decide what is missing. */
export interface EditableButton {
  type?: string;
  name?: string;
  key?: string;
  url?: string;
  media_id?: string;
  article_id?: string;
  appid?: string;
  pagepath?: string;
  sub_button?: EditableButton[];
}

export interface EditableMenu {
  button: EditableButton[];
}

export interface MenuDraft {
  menu: Menu;
  updatedBy: string;
  updatedAt: number;
}

export type PublicationKind = "default" | "conditional" | "conditional_deleted" | "deleted";

export interface MenuPublication {
  id: string;
  kind: PublicationKind;
  menu: Menu | null;
  matchrule: { tag_id?: string; client_platform_type?: string } | null;
  menuId: string | null;
  publishedBy: string;
  publishedAt: number;
}

interface SelfMenuButton {
  name: string;
  type?: string;
  key?: string;
  url?: string;
  value?: string;
  sub_button?: { list: SelfMenuButton[] };
}

export interface LiveMenus {
  open: boolean;
  current: SelfMenuButton[];
  menu: { button: MenuTopButton[] } | null;
  conditional: { menuId: string; button: MenuTopButton[]; matchrule: Record<string, string> }[];
}

export interface MenuClicks {
  from: string;
  to: string;
  items: { day: string; event: string; key: string; clicks: number }[];
}

export const menuKeys = {
  all: (appId: string) => ["menus", appId] as const,
  draft: (appId: string) => ["menus", appId, "draft"] as const,
  live: (appId: string) => ["menus", appId, "live"] as const,
  history: (appId: string) => ["menus", appId, "history"] as const,
  clicks: (appId: string) => ["menus", appId, "clicks"] as const,
};

const base = (appId: string) => `/accounts/${encodeURIComponent(appId)}/menu`;

export function useMenuDraft(appId: string) {
  return useQuery({
    queryKey: menuKeys.draft(appId),
    queryFn: async () => (await request<{ draft: MenuDraft | null }>("GET", `${base(appId)}/draft`)).draft,
  });
}

/** The menus on WeChat: read only when asked (each read is a call to WeChat). */
export function useLiveMenus(appId: string, enabled: boolean) {
  return useQuery({
    queryKey: menuKeys.live(appId),
    queryFn: () => request<LiveMenus>("GET", `${base(appId)}/live`),
    enabled,
  });
}

export function useMenuHistory(appId: string) {
  return useQuery({
    queryKey: menuKeys.history(appId),
    queryFn: async () =>
      (await request<{ items: MenuPublication[] }>("GET", `${base(appId)}/publications?limit=20`)).items,
  });
}

export function useMenuClicks(appId: string) {
  return useQuery({
    queryKey: menuKeys.clicks(appId),
    queryFn: () => request<MenuClicks>("GET", `${base(appId)}/clicks`),
  });
}

function useMenuMutation<TInput, TResult>(appId: string, run: (input: TInput) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => client.invalidateQueries({ queryKey: menuKeys.all(appId) }),
  });
}

export const useSaveMenuDraft = (appId: string) =>
  useMenuMutation(appId, (menu: EditableMenu) => request<MenuDraft>("PUT", `${base(appId)}/draft`, menu));
export const usePublishMenu = (appId: string) =>
  useMenuMutation(appId, (menu: EditableMenu) =>
    request<MenuPublication>("POST", `${base(appId)}/publications`, menu),
  );
export const useDeleteMenus = (appId: string) =>
  useMenuMutation(appId, () => request<MenuPublication>("DELETE", `${base(appId)}/live`));
export const useRestoreMenu = (appId: string) =>
  useMenuMutation(appId, (input: { id: string; publish: boolean }) =>
    request<{ draft: MenuDraft; publication: MenuPublication | null }>(
      "POST",
      `${base(appId)}/publications/${encodeURIComponent(input.id)}/restore`,
      { publish: input.publish },
    ),
  );
export const useAddConditionalMenu = (appId: string) =>
  useMenuMutation(
    appId,
    (input: EditableMenu & { matchrule: { tag_id?: string; client_platform_type?: string } }) =>
      request<MenuPublication>("POST", `${base(appId)}/conditional`, input),
  );
export const useDeleteConditionalMenu = (appId: string) =>
  useMenuMutation(appId, (menuId: string) =>
    request<MenuPublication>("DELETE", `${base(appId)}/conditional/${encodeURIComponent(menuId)}`),
  );
