import type { Kysely } from "kysely";
import type { AccountDirectory } from "../accounts/index.js";
import type { FollowerLookup } from "../followers/index.js";
import { newId } from "../platform/ids.js";
import type { Clock } from "../platform/ports.js";
import type { Database } from "../platform/store/schema.js";
import { CampaignError } from "./errors.js";

/** Rows an uploaded list may hold. */
export const LIST_MAX_ROWS = 100_000;
const MEMBERS_PER_STATEMENT = 500;

/** A list's rows the upload could not resolve, each with why. */
export interface UnknownRow {
  row: number;
  id: string;
  reason: string;
}

/** Splits CSV text into rows of cells (RFC 4180 quotes: `""` inside a quoted cell is a quote). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((value) => value.trim() !== ""));
}

/**
 * Uploaded lists of the customer's own ids: the column the account's OpenID mapping names holds
 * each row's OpenID, `id` the customer's id. A row without an OpenID, with one that is not a
 * follower wxgate knows, or repeating one, is reported — never dropped silently.
 */
export class CampaignLists {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      accounts: AccountDirectory;
      followers: FollowerLookup;
      clock: Clock;
    },
  ) {}

  async upload(appid: string, name: string, csv: string) {
    const facts = await this.deps.accounts.facts(appid);
    if (!facts) throw new CampaignError("campaign_not_found", `no account ${appid}`);
    const property = facts.openIdMapping;
    if (!property)
      throw new CampaignError("list_invalid", "the account has no OpenID mapping", { reason: "no_mapping" });
    const [header, ...rows] = parseCsv(csv);
    if (!header) throw new CampaignError("list_invalid", "the list is empty", { reason: "empty" });
    const names = header.map((h) => h.trim());
    const openIdColumn = names.indexOf(property);
    const idColumn = names.indexOf("id");
    if (openIdColumn < 0 || idColumn < 0) {
      throw new CampaignError("list_invalid", `the header needs the columns id and ${property}`, {
        reason: "columns_missing",
        columns: ["id", property],
      });
    }
    if (rows.length > LIST_MAX_ROWS) {
      throw new CampaignError("list_invalid", `a list holds at most ${LIST_MAX_ROWS} rows`, {
        reason: "too_many_rows",
        limit: LIST_MAX_ROWS,
      });
    }
    const unknown: UnknownRow[] = [];
    const members = new Map<string, string>();
    for (const [index, cells] of rows.entries()) {
      const id = (cells[idColumn] ?? "").trim();
      const openid = (cells[openIdColumn] ?? "").trim();
      const row = index + 2;
      if (openid === "") unknown.push({ row, id, reason: "no_openid" });
      else if (members.has(openid)) unknown.push({ row, id, reason: "duplicate" });
      else if ((await this.deps.followers.lastInteractionOf(appid, openid)) === undefined) {
        unknown.push({ row, id, reason: "not_a_follower" });
      } else members.set(openid, id);
    }
    const now = this.deps.clock.now();
    const listId = newId(now);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("campaign_lists")
        .values({ id: listId, appid, name, rows: rows.length, resolved: members.size, created_at: now })
        .execute();
      const values = [...members].map(([openid, customerId]) => ({
        list_id: listId,
        openid,
        customer_id: customerId,
      }));
      for (let i = 0; i < values.length; i += MEMBERS_PER_STATEMENT) {
        await trx
          .insertInto("campaign_list_members")
          .values(values.slice(i, i + MEMBERS_PER_STATEMENT))
          .execute();
      }
    });
    return { listId, rows: rows.length, resolved: members.size, unknown };
  }

  /** Whether the list exists and belongs to the account. */
  async belongs(listId: string, appid: string): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom("campaign_lists")
      .select("appid")
      .where("id", "=", listId)
      .executeTakeFirst();
    return row?.appid === appid;
  }
}
