import {
  type ConditionalMatchRule,
  createMenuApi,
  type Menu,
  type MenuApi,
  type MenuButton,
  type MenuMatchRule,
  type SelfMenuButton,
  WeChatApiError,
  wechatErrcode,
} from "@wxgate/wechat";
import type { AccountClients } from "../accounts/index.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Actor } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import { beijingDay } from "./clicks.js";
import type { MenusRepository, PublicationRow } from "./repository.js";
import { checkConditionalMenu, checkMenu } from "./rules.js";
import type { PublicationKind } from "./tables.js";

/** An account's draft as stored. */
export interface Draft {
  menu: Menu;
  updatedBy: string;
  updatedAt: number;
}

/** One entry of the history. */
export interface Publication {
  id: string;
  kind: PublicationKind;
  menu: Menu | null;
  matchrule: ConditionalMatchRule | null;
  menuId: string | null;
  publishedBy: string;
  publishedAt: number;
}

/** The menus WeChat holds for an account now. */
export interface LiveMenus {
  /** Whether users see a menu (get_current_selfmenu_info's `is_menu_open`). */
  open: boolean;
  /** The menu as users see it, wherever it was set (the API or WeChat's web platform). */
  current: SelfMenuButton[];
  /** The default menu set through the API (menu/get); null when there is none. */
  menu: { button: MenuButton[] } | null;
  conditional: { menuId: string; button: MenuButton[]; matchrule: MenuMatchRule }[];
}

export interface MenuServiceDeps {
  repository: MenusRepository;
  clients: AccountClients;
  clock: Clock;
}

/**
 * Custom menus of one account: a draft edited here, published to WeChat after the same checks
 * WeChat makes (a refused menu never reaches it), every accepted change kept as history.
 */
export class MenuService {
  constructor(private readonly deps: MenuServiceDeps) {}

  async draft(appId: string): Promise<Draft | null> {
    const row = await this.deps.repository.findDraft(appId);
    if (!row) return null;
    return {
      menu: JSON.parse(row.menu) as Menu,
      updatedBy: row.updated_by,
      updatedAt: Number(row.updated_at),
    };
  }

  /** Keeps a menu as the account's draft; it must pass WeChat's rules, so a draft can always be published. */
  async saveDraft(actor: Actor, appId: string, body: unknown): Promise<Draft> {
    const menu = checkMenu(body);
    return this.#keepDraft(actor, appId, menu);
  }

  /** Sets the account's default menu on WeChat (`menu/create`) and keeps it as the draft. */
  async publish(actor: Actor, appId: string, body: unknown): Promise<Publication> {
    const menu = checkMenu(body);
    const api = await this.#api(appId);
    await api.create(menu.button as MenuButton[]);
    await this.#keepDraft(actor, appId, menu);
    return this.#record(actor, appId, { kind: "default", menu });
  }

  /** What WeChat shows now: the current menu, and the API's default and conditional menus. */
  async live(appId: string): Promise<LiveMenus> {
    const api = await this.#api(appId);
    const current = await api.getCurrentSelfMenuInfo();
    let menu: LiveMenus["menu"] = null;
    let conditional: LiveMenus["conditional"] = [];
    try {
      const got = await api.get();
      menu = { button: got.menu.button };
      conditional = (got.conditionalmenu ?? []).map((c) => ({
        menuId: String(c.menuid),
        button: c.button,
        matchrule: c.matchrule,
      }));
    } catch (error) {
      // 46003: no menu was set through the API; the web platform's may still show.
      if (!(error instanceof WeChatApiError && error.errcode === wechatErrcode.menuNotExist)) throw error;
    }
    return {
      open: current.is_menu_open === 1,
      current: current.selfmenu_info?.button ?? [],
      menu,
      conditional,
    };
  }

  /** Deletes the default menu and with it every conditional one (`menu/delete`). */
  async remove(actor: Actor, appId: string): Promise<Publication> {
    const api = await this.#api(appId);
    await api.delete();
    return this.#record(actor, appId, { kind: "deleted" });
  }

  /** Adds a menu for the users a rule matches (`menu/addconditional`); needs a default menu. */
  async addConditional(actor: Actor, appId: string, body: unknown): Promise<Publication> {
    const menu = checkConditionalMenu(body);
    const api = await this.#api(appId);
    const answer = await api.addConditional({
      button: menu.button as MenuButton[],
      matchrule: menu.matchrule,
    });
    return this.#record(actor, appId, {
      kind: "conditional",
      menu: { button: menu.button },
      matchrule: menu.matchrule,
      menuId: String(answer.menuid),
    });
  }

  async removeConditional(actor: Actor, appId: string, menuId: string): Promise<Publication> {
    const api = await this.#api(appId);
    await api.delConditional(menuId);
    return this.#record(actor, appId, { kind: "conditional_deleted", menuId });
  }

  /** The menu a follower (OpenID) would see (`menu/trymatch`). */
  async tryMatch(appId: string, userId: string): Promise<{ button: MenuButton[] }> {
    const api = await this.#api(appId);
    const answer = await api.tryMatch(userId);
    return { button: answer.button };
  }

  async history(appId: string, limit: number, before?: string): Promise<Publication[]> {
    const rows = await this.deps.repository.publications(appId, limit, before);
    return rows.map(publicationOf);
  }

  /**
   * Brings a published menu back into the draft and, with `publish`, to WeChat again: a
   * default menu through `menu/create`, a conditional one through `menu/addconditional` with
   * its rule. Deletions have no menu to bring back (404).
   */
  async restore(
    actor: Actor,
    appId: string,
    publicationId: string,
    publish: boolean,
  ): Promise<{ draft: Draft; publication: Publication | null }> {
    const row = await this.deps.repository.findPublication(appId, publicationId);
    const earlier = row ? publicationOf(row) : undefined;
    if (!earlier?.menu) throw errors.notFound("a published menu");
    // Checked again: the rules may have changed since (settings), and a draft is always publishable.
    const draft = await this.saveDraft(actor, appId, earlier.menu);
    if (!publish) return { draft, publication: null };
    const publication =
      earlier.kind === "conditional" && earlier.matchrule
        ? await this.addConditional(actor, appId, { ...earlier.menu, matchrule: earlier.matchrule })
        : await this.publish(actor, appId, earlier.menu);
    return { draft, publication };
  }

  /**
   * Taps per day, event and key, from `fromDay` to `toDay` (YYYY-MM-DD, Beijing days);
   * by default the last 7 days up to today.
   */
  async clicks(
    appId: string,
    fromDay?: string,
    toDay?: string,
  ): Promise<{
    from: string;
    to: string;
    items: { day: string; event: string; key: string; clicks: number }[];
  }> {
    const to = toDay ?? beijingDay(this.deps.clock.now());
    const from = fromDay ?? shiftDay(to, -6);
    if (from > to) throw errors.validation("from is after to", { reason: "menu_clicks_range" });
    const rows = await this.deps.repository.clicks(appId, from, to);
    return {
      from,
      to,
      items: rows.map((row) => ({
        day: row.day,
        event: row.event,
        key: row.event_key,
        clicks: Number(row.clicks),
      })),
    };
  }

  async #api(appId: string): Promise<MenuApi> {
    return createMenuApi(await this.deps.clients.clientFor(appId));
  }

  async #keepDraft(actor: Actor, appId: string, menu: Menu): Promise<Draft> {
    const updatedAt = this.deps.clock.now();
    await this.deps.repository.saveDraft({
      appid: appId,
      menu: JSON.stringify(menu),
      updated_by: actor.name,
      updated_at: updatedAt,
    });
    return { menu, updatedBy: actor.name, updatedAt };
  }

  async #record(
    actor: Actor,
    appId: string,
    change: {
      kind: PublicationKind;
      menu?: Menu;
      matchrule?: ConditionalMatchRule;
      menuId?: string;
    },
  ): Promise<Publication> {
    const now = this.deps.clock.now();
    const row: PublicationRow = {
      id: newId(now),
      appid: appId,
      kind: change.kind,
      menu: change.menu ? JSON.stringify(change.menu) : null,
      matchrule: change.matchrule ? JSON.stringify(change.matchrule) : null,
      wechat_menu_id: change.menuId ?? null,
      published_by: actor.name,
      published_by_user: actor.userId,
      published_at: now,
    };
    await this.deps.repository.addPublication(row);
    return publicationOf(row);
  }
}

function publicationOf(row: PublicationRow): Publication {
  return {
    id: row.id,
    kind: row.kind,
    menu: row.menu === null ? null : (JSON.parse(row.menu) as Menu),
    matchrule: row.matchrule === null ? null : (JSON.parse(row.matchrule) as ConditionalMatchRule),
    menuId: row.wechat_menu_id,
    publishedBy: row.published_by,
    publishedAt: Number(row.published_at),
  };
}

/** The day `days` after a YYYY-MM-DD day (negative: before). */
function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
