// The campaigns module's tables (created by migration 0023_campaigns).

/** A campaign (运营计划): account, audience, channel, content, schedule and where it stands. */
export interface CampaignsTable {
  id: string;
  appid: string;
  name: string;
  /** `mass`, `template`, `custom` or `subscribe`. */
  channel: string;
  /** JSON of the audience (see `model.ts`). */
  audience: string;
  /** JSON of the content (see `model.ts`). */
  content: string;
  /** Epoch ms to start at; null: as soon as it is submitted (or approved). */
  scheduled_at: number | null;
  /** draft, awaiting_approval, scheduled, sending, paused, completed, cancelled. */
  status: string;
  created_by_id: string | null;
  created_by_name: string | null;
  approved_by_id: string | null;
  approved_by_name: string | null;
  reject_reason: string | null;
  /** The audience expansion's followers cursor after the last committed page (null before the first). */
  expand_cursor: string | null;
  /** 1 once every recipient row is written. */
  expanded: number;
  /** A mass send's msg_id (MASSSENDJOBFINISH names it); "" once sent when WeChat did not say it (a repeat refused as 45065). */
  mass_msgid: string | null;
  /** Attempts of the mass call (its retries are the campaign's, not a row's). */
  mass_attempts: number;
  /** MASSSENDJOBFINISH's SentCount, ErrorCount and FilterCount, once it came. */
  mass_sent: number | null;
  mass_errors: number | null;
  mass_filtered: number | null;
  created_at: number;
  submitted_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

/**
 * One delivery row per recipient: the row holds the truth of what was sent, the send job only
 * wakes the worker. A row is `sending` from just before its call until the outcome is written.
 */
export interface CampaignRecipientsTable {
  id: string;
  campaign_id: string;
  appid: string;
  openid: string;
  /** The campaign's channel, so a receipt finds only rows of its kind. */
  channel: string;
  /** pending, sending, sent, failed, skipped. */
  status: string;
  attempts: number;
  /** Epoch ms the row may be claimed (again). */
  next_attempt_at: number;
  /** While `sending`: until when the claim holds; a row past it was left by a stopped worker. */
  locked_until: number | null;
  errcode: number | null;
  rid: string | null;
  msgid: string | null;
  /** Why skipped or failed (`outside_48h`, `no_consent`, `cancelled`, …), or `unconfirmed` while a receipt is awaited. */
  reason: string | null;
  /** null, `confirmed` or `failed`: what the receipt said. */
  receipt: string | null;
  sent_at: number | null;
  updated_at: number;
  /** A mass send by OpenIDs: the batch (its call) that carries the row; null otherwise. */
  mass_batch: number | null;
}

/**
 * One `message/mass/send` call of a mass campaign by OpenIDs: its clientmsgid (a repeat after
 * a crash is refused by WeChat, 45065 / 45066), its msg_id and MASSSENDJOBFINISH's counts.
 */
export interface CampaignMassBatchesTable {
  campaign_id: string;
  /** 1, 2, … in claim order. */
  batch: number;
  appid: string;
  clientmsgid: string;
  /** Rows the batch was claimed with. */
  recipients: number;
  attempts: number;
  msgid: string | null;
  sent: number | null;
  errors: number | null;
  filtered: number | null;
  created_at: number;
  updated_at: number;
}

/** A campaign's counter: rows per status, failures per errcode, skipped rows per reason, receipts per verdict. */
export interface CampaignCountsTable {
  campaign_id: string;
  /** `status`, `errcode`, `skipped` or `receipt`. */
  kind: string;
  /** The status, errcode, reason or verdict counted. */
  name: string;
  n: number;
}

/** An uploaded list of the customer's own ids, resolved to OpenIDs. */
export interface CampaignListsTable {
  id: string;
  appid: string;
  name: string;
  rows: number;
  resolved: number;
  created_at: number;
}

export interface CampaignListMembersTable {
  list_id: string;
  openid: string;
  customer_id: string;
}

/** An account's campaign settings. */
export interface CampaignSettingsTable {
  appid: string;
  approval_required: number;
  sends_per_second: number;
  updated_at: number;
}

/**
 * A mini program user's consent to a subscription-message template (migration
 * 0026_campaign_consents).
 */
export interface CampaignConsentsTable {
  appid: string;
  template_id: string;
  openid: string;
  /** `accepted`, `rejected` (the user's last answer) or `refused` (WeChat answered 43101). */
  status: string;
  /** One-time messages allowed: each acceptance adds one, each sent message uses one. */
  sends_left: number;
  /** 1 for a long-term subscription (sends do not use it up). */
  long_term: number;
  /** CreateTime (seconds) and dedupe key of the last event applied: a push applied twice is applied once. */
  event_at: number;
  event_key: string;
  updated_at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    campaigns: CampaignsTable;
    campaign_recipients: CampaignRecipientsTable;
    campaign_lists: CampaignListsTable;
    campaign_list_members: CampaignListMembersTable;
    campaign_settings: CampaignSettingsTable;
    campaign_mass_batches: CampaignMassBatchesTable;
    campaign_counts: CampaignCountsTable;
    campaign_consents: CampaignConsentsTable;
  }
}
