import { pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { Logger } from "../platform/logger.js";
import { daysBetween } from "./days.js";
import type { BroughtFollower, DailyFigures, QrCodeRow, QrCodesRepository } from "./repository.js";
import type { QrCodeKind } from "./tables.js";

/** The longest range of days one request reads. */
export const MAX_DAYS = 366;
/** Codes named in one figures answer (the rest are still counted, under their scene). */
const CODES_READ = 5_000;
/** Invitations a fission tree is drawn from; past this the answer says it was cut. */
export const TREE_EDGES_MAX = 10_000;

/** One day of one code. */
export interface DayPoint {
  day: string;
  scans: number;
  newFollowers: number;
  unfollows: number;
}

/** The days of one scene, every day of the range present (zeros included), for a chart. */
export interface Series {
  scene: string;
  /** Null for a scene no code made in wxgate carries. */
  code: QrCodeRow | null;
  points: DayPoint[];
  totals: Omit<DayPoint, "day">;
}

/** One follower in the fission tree, in depth-first order. */
export interface TreeNode {
  openId: string;
  /** Who invited them; null for a root (an inviter no fission code brought). */
  invitedBy: string | null;
  depth: number;
  /** When their invitation brought them (epoch ms); null for a root. */
  subscribedAt: number | null;
  /** Null for a root; whether they unfollowed since. */
  unfollowed: boolean | null;
  /** Followers they brought directly. */
  invited: number;
  /** Of those, still following. */
  stillFollowing: number;
  /** Everyone below them in the tree. */
  descendants: number;
}

const CSV_COLUMNS = [
  "day",
  "scene",
  "code_id",
  "kind",
  "name",
  "scans",
  "new_followers",
  "unfollows",
] as const;

/** The codes' figures: daily series for charts, the fission tree, CSV export. */
export class QrCodeFigures {
  constructor(private readonly options: { repository: QrCodesRepository; logger: Logger }) {}

  /** Each scene's daily figures within [from, to]; only `kind`'s codes (or `codeId`'s) when given. */
  async daily(
    appId: string,
    range: { from: string; to: string },
    filter: { kind?: QrCodeKind | undefined; codeId?: string | undefined } = {},
  ): Promise<{ days: string[]; series: Series[] }> {
    const { repository } = this.options;
    const days = daysBetween(range.from, range.to, MAX_DAYS);
    const figures = await repository.daily(appId, range.from, range.to);
    const codes = new Map((await repository.all(appId, filter.kind, CODES_READ)).map((c) => [c.scene, c]));
    const series = new Map<string, Series>();
    for (const figure of figures) {
      const code = codes.get(figure.scene) ?? null;
      if ((filter.kind || filter.codeId) && !code) continue;
      if (filter.codeId && code?.id !== filter.codeId) continue;
      let entry = series.get(figure.scene);
      if (!entry) {
        entry = {
          scene: figure.scene,
          code,
          points: days.map((day) => ({ day, scans: 0, newFollowers: 0, unfollows: 0 })),
          totals: { scans: 0, newFollowers: 0, unfollows: 0 },
        };
        series.set(figure.scene, entry);
      }
      const point = entry.points[days.indexOf(figure.day)];
      if (!point) continue;
      point.scans += figure.scans;
      point.newFollowers += figure.newFollowers;
      point.unfollows += figure.unfollows;
      entry.totals.scans += figure.scans;
      entry.totals.newFollowers += figure.newFollowers;
      entry.totals.unfollows += figure.unfollows;
    }
    // The busiest channels first: the chart shows the top of the list.
    const ordered = [...series.values()].sort(
      (a, b) =>
        b.totals.newFollowers - a.totals.newFollowers ||
        b.totals.scans - a.totals.scans ||
        a.scene.localeCompare(b.scene),
    );
    return { days, series: ordered };
  }

  /**
   * Who brought whom through fission codes: each inviter with the followers their code brought,
   * and theirs below them. Roots are inviters no fission code brought (or, in a loop of
   * invitations, the earliest of it). Depth-first, children oldest first.
   */
  async fissionTree(appId: string): Promise<{ nodes: TreeNode[]; invitations: number; truncated: boolean }> {
    const edges = await this.options.repository.invitations(appId, TREE_EDGES_MAX + 1);
    const truncated = edges.length > TREE_EDGES_MAX;
    const used = edges.slice(0, TREE_EDGES_MAX);
    const children = new Map<string, BroughtFollower[]>();
    const invitedBy = new Map<string, BroughtFollower>();
    for (const edge of used) {
      const inviter = edge.inviter_openid as string;
      const list = children.get(inviter) ?? [];
      list.push(edge);
      children.set(inviter, list);
      invitedBy.set(edge.openid, edge);
    }
    const nodes: TreeNode[] = [];
    const placed = new Set<string>();
    const descendantsOf = new Map<string, number>();
    // Iterative depth-first walk: a chain of thousands of invitations must not exhaust the stack.
    const walk = (root: string) => {
      const stack: { openId: string; depth: number; edge: BroughtFollower | null }[] = [
        { openId: root, depth: 0, edge: null },
      ];
      const order: TreeNode[] = [];
      while (stack.length > 0) {
        const { openId, depth, edge } = stack.pop() as (typeof stack)[number];
        if (placed.has(openId)) continue;
        placed.add(openId);
        const mine = children.get(openId) ?? [];
        const node: TreeNode = {
          openId,
          invitedBy: depth === 0 ? null : (edge?.inviter_openid ?? null),
          depth,
          subscribedAt: depth === 0 || !edge ? null : Number(edge.subscribed_at),
          unfollowed: depth === 0 || !edge ? null : edge.unsubscribed_at !== null,
          invited: mine.length,
          stillFollowing: mine.filter((child) => child.unsubscribed_at === null).length,
          descendants: 0,
        };
        order.push(node);
        for (let i = mine.length - 1; i >= 0; i--) {
          const child = mine[i] as BroughtFollower;
          if (!placed.has(child.openid)) stack.push({ openId: child.openid, depth: depth + 1, edge: child });
        }
      }
      // Descendants, counted bottom-up over the walk's order.
      for (let i = order.length - 1; i >= 0; i--) {
        const node = order[i] as TreeNode;
        const below = descendantsOf.get(node.openId) ?? 0;
        node.descendants = below;
        if (node.invitedBy)
          descendantsOf.set(node.invitedBy, (descendantsOf.get(node.invitedBy) ?? 0) + below + 1);
      }
      nodes.push(...order);
    };
    for (const inviter of children.keys()) if (!invitedBy.has(inviter)) walk(inviter);
    for (const inviter of children.keys()) if (!placed.has(inviter)) walk(inviter);
    return { nodes, invitations: used.length, truncated };
  }

  /**
   * The daily figures of [from, to] as CSV (UTF-8 with a byte-order mark), one row per day and
   * scene with anything to count, read a day at a time so memory stays flat however long the
   * range.
   */
  exportCsv(appId: string, range: { from: string; to: string }): Readable {
    const { repository, logger } = this.options;
    const days = daysBetween(range.from, range.to, MAX_DAYS);
    const rows = async function* () {
      const codes = new Map((await repository.all(appId, undefined, CODES_READ)).map((c) => [c.scene, c]));
      for (const day of days) {
        const figures: DailyFigures[] = await repository.daily(appId, day, day);
        for (const figure of figures) {
          const code = codes.get(figure.scene);
          yield {
            day,
            scene: figure.scene,
            code_id: code?.id ?? "",
            kind: code?.kind ?? "",
            name: code?.name ?? "",
            scans: figure.scans,
            new_followers: figure.newFollowers,
            unfollows: figure.unfollows,
          };
        }
      }
    };
    // Cells a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with a quote:
    // channel names and scenes are typed by operators.
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS], bom: true, escape_formulas: true });
    pipeline(Readable.from(rows()), csv, (error) => {
      if (error) logger.error({ err: error, appId }, "the QR code figures export stopped");
    });
    return csv;
  }
}
