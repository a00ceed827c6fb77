import { qrLimits } from "@wxgate/wechat";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Actor } from "../platform/policy.js";
import type { Clock, Queue } from "../platform/ports.js";
import { refusal } from "./refusals.js";
import type { BatchItemRow, BatchRow, QrCodeRow, QrCodesRepository } from "./repository.js";
import { type ChannelInput, checkChannel, failed, type QrCodeService } from "./service.js";
import type { QrCodeBatchItemsTable } from "./tables.js";

declare module "../platform/ports.js" {
  interface JobPayloads {
    /** Makes a batch's pending channel codes, in order (enqueued with the batch's id as its dedupe key). */
    "qrcodes.batch": { batchId: string };
  }
}

/** A batch with its items, and the codes the made ones got. */
export interface BatchState {
  batch: BatchRow;
  items: BatchItemRow[];
  codes: Map<string, QrCodeRow>;
}

/**
 * Batches of channel codes: the rules are checked for every item when the batch is asked for
 * (those refused say why at once), then a durable job asks WeChat for the others one after the
 * other, writing each outcome as it comes — the progress a console polls, and where a job taken
 * again after a restart resumes (items done are never asked for twice).
 */
export class QrCodeBatches {
  constructor(
    private readonly options: {
      repository: QrCodesRepository;
      service: QrCodeService;
      queue: Queue;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async start(actor: Actor, appId: string, inputs: readonly ChannelInput[]): Promise<BatchState> {
    const { repository, clock, queue } = this.options;
    const now = clock.now();
    const id = newId(now);
    const seen = new Set<string>();
    const items: QrCodeBatchItemsTable[] = inputs.map((input, idx) => {
      const item: QrCodeBatchItemsTable = {
        batch_id: id,
        idx,
        name: input.name,
        scene: input.scene ?? input.name,
        status: "pending",
        code_id: null,
        reason: null,
        message: null,
        errcode: null,
      };
      try {
        const valid = checkChannel(input);
        item.name = valid.name;
        item.scene = valid.scene;
        if (seen.has(valid.scene))
          throw refusal("scene_repeated", `the scene ${valid.scene} is in the batch twice`);
        seen.add(valid.scene);
      } catch (error) {
        refuse(item, error);
      }
      return item;
    });
    const taken = await repository.scenesTaken(
      appId,
      items.filter((item) => item.status === "pending").map((item) => item.scene),
    );
    for (const item of items) {
      if (item.status === "pending" && taken.has(item.scene)) {
        refuse(item, refusal("scene_taken", `the account has a code with the scene ${item.scene} already`));
      }
    }
    const refused = items.filter((item) => item.status === "failed").length;
    const batch: BatchRow = {
      id,
      appid: appId,
      status: refused === items.length ? "done" : "running",
      total: items.length,
      done: refused,
      failed: refused,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    await repository.insertBatch(batch, items);
    if (batch.status === "running") await queue.enqueue("qrcodes.batch", { batchId: id }, { dedupeKey: id });
    return this.state(appId, id);
  }

  async state(appId: string, id: string): Promise<BatchState> {
    const { repository } = this.options;
    const batch = await repository.findBatch(appId, id);
    if (!batch) throw errors.notFound("the batch");
    const items = await repository.batchItems(id);
    const codes = await repository.codesById(
      appId,
      items.flatMap((item) => (item.code_id ? [item.code_id] : [])),
    );
    return { batch, items, codes };
  }

  /** The job: the batch's pending items, in order, each outcome written as it comes. */
  async run(batchId: string): Promise<void> {
    const { repository, service, clock, logger } = this.options;
    const batch = await repository.findBatch(undefined, batchId);
    if (!batch || batch.status === "done") return;
    const actor = { userId: batch.created_by };
    const pending = (await repository.batchItems(batchId)).filter((item) => item.status === "pending");
    let room = qrLimits.permanentMax - (await repository.countPermanent(batch.appid));
    for (const item of pending) {
      try {
        if (room <= 0) {
          throw refusal(
            "permanent_limit",
            `the account has ${qrLimits.permanentMax} permanent codes already`,
          );
        }
        const code = await service.makeChannel(actor, batch.appid, item.name, item.scene);
        room--;
        await repository.finishItem(
          batchId,
          item.idx,
          { status: "created", code_id: code.id, reason: null, message: null, errcode: null },
          clock.now(),
        );
      } catch (error) {
        const outcome = failed(item.idx, item.name, item.scene, error);
        if (outcome.ok) continue;
        await repository.finishItem(
          batchId,
          item.idx,
          {
            status: "failed",
            code_id: null,
            reason: outcome.reason,
            message: outcome.message,
            errcode: outcome.errcode ?? null,
          },
          clock.now(),
        );
      }
    }
    await repository.closeBatch(batchId, clock.now());
    logger.info({ batchId, appId: batch.appid, items: pending.length }, "QR code batch done");
  }
}

/** Marks an item refused with the error's reason (a rule checked before WeChat is asked). */
function refuse(item: QrCodeBatchItemsTable, error: unknown): void {
  const outcome = failed(item.idx, item.name, item.scene, error);
  if (outcome.ok) return;
  item.status = "failed";
  item.reason = outcome.reason;
  item.message = outcome.message;
  item.errcode = outcome.errcode ?? null;
}
