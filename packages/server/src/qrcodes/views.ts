import { z } from "zod";
import type { BatchState } from "./batches.js";
import type { Series, TreeNode } from "./figures.js";
import type { QrCodeRow, SceneTotals } from "./repository.js";

export const totalsView = z.object({
  scans: z.number().int().describe("Scans, the follows through the code included."),
  newFollowers: z.number().int().describe("Follows through the code (subscribe with `qrscene_<scene>`)."),
  unfollows: z.number().int().describe("Unfollows of followers the code brought."),
});

export const codeView = z.object({
  id: z.string(),
  kind: z.enum(["channel", "fission"]),
  name: z.string().nullable().describe("The channel's name; null for a fission code."),
  scene: z.string().describe("The `scene_str` WeChat's events carry back."),
  inviterOpenId: z.string().nullable().describe("The inviting follower of a fission code."),
  ticket: z.string(),
  url: z.string().describe("What the image encodes."),
  imageUrl: z.string().describe("The image (PNG) through wxgate: `GET` with the same credential."),
  expiresAt: z.number().int().nullable().describe("Epoch ms; null for a permanent code."),
  createdAt: z.number().int(),
  totals: totalsView.optional(),
});
export type CodeView = z.input<typeof codeView>;

export function codeOf(row: QrCodeRow, totals?: SceneTotals): CodeView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    scene: row.scene,
    inviterOpenId: row.inviter_openid,
    ticket: row.ticket,
    url: row.url,
    imageUrl: `/api/v1/accounts/${row.appid}/qrcodes/${row.id}/image`,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    createdAt: Number(row.created_at),
    ...(totals
      ? { totals: { scans: totals.scans, newFollowers: totals.newFollowers, unfollows: totals.unfollows } }
      : {}),
  };
}

export const batchItemView = z.object({
  index: z.number().int().describe("The item's place in the request."),
  name: z.string(),
  scene: z.string(),
  status: z.enum(["pending", "created", "failed"]),
  code: codeView.nullable(),
  reason: z
    .string()
    .nullable()
    .describe(
      "Why not: `name_invalid`, `scene_invalid`, `scene_repeated`, `scene_taken`, `permanent_limit`, `wechat_refused` (with `errcode`), `wechat_unreachable`.",
    ),
  message: z.string().nullable(),
  errcode: z.number().int().nullable(),
});

export const batchView = z.object({
  id: z.string(),
  status: z.enum(["running", "done"]),
  total: z.number().int(),
  done: z.number().int().describe("Items done, made or refused: the progress."),
  created: z.number().int(),
  failed: z.number().int(),
  createdAt: z.number().int(),
  items: z.array(batchItemView),
});

export function batchOf(state: BatchState): z.input<typeof batchView> {
  const { batch, items, codes } = state;
  return {
    id: batch.id,
    status: batch.status,
    total: Number(batch.total),
    done: Number(batch.done),
    created: Number(batch.done) - Number(batch.failed),
    failed: Number(batch.failed),
    createdAt: Number(batch.created_at),
    items: items.map((item) => {
      const code = item.code_id ? codes.get(item.code_id) : undefined;
      return {
        index: Number(item.idx),
        name: item.name,
        scene: item.scene,
        status: item.status,
        code: code ? codeOf(code) : null,
        reason: item.reason,
        message: item.message,
        errcode: item.errcode === null ? null : Number(item.errcode),
      };
    }),
  };
}

export const seriesView = z.object({
  scene: z.string(),
  code: codeView.nullable().describe("Null for a scene of a code not made in wxgate."),
  points: z.array(totalsView.extend({ day: z.string() })),
  totals: totalsView,
});

export function seriesOf(series: Series): z.input<typeof seriesView> {
  return {
    scene: series.scene,
    code: series.code ? codeOf(series.code) : null,
    points: series.points,
    totals: series.totals,
  };
}

export const treeNodeView = z.object({
  openId: z.string(),
  invitedBy: z.string().nullable(),
  depth: z.number().int(),
  subscribedAt: z.number().int().nullable(),
  unfollowed: z.boolean().nullable(),
  invited: z.number().int().describe("Followers their fission code brought directly."),
  stillFollowing: z.number().int().describe("Of those, still following."),
  descendants: z.number().int().describe("Everyone below them in the tree."),
});

export function treeNodeOf(node: TreeNode): z.input<typeof treeNodeView> {
  return node;
}
