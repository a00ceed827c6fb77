/**
 * Which module owns each table: the one whose code reads and writes it (its repository), whose
 * migrations (in its own `migrations/` folder) create and alter it, and which purges its rows
 * of a deleted account. `platform` is the layer's own (the job queue's table); Kysely keeps its
 * migration tables itself. `table-owners.test.ts` fails when code of another folder names a
 * table, when an owner's migration changes a table it does not own, or when the migrated
 * schema has a table missing here.
 */
export const tableOwners = {
  users: "auth",
  sessions: "auth",
  api_keys: "auth",
  known_devices: "auth",
  sign_in_challenges: "auth",
  jobs: "platform",
  settings: "accounts",
  accounts: "accounts",
  authorization_requests: "accounts",
  authorization_notices: "accounts",
  quota_resets: "accounts",
  api_calls: "accounts",
  platform_pushes: "accounts",
  tokens: "tokens",
  component_state: "tokens",
  events: "callbacks",
  webhooks: "webhooks",
  webhook_deliveries: "webhooks",
  audit_entries: "audit",
  team_members: "team",
  team_departments: "team",
  team_department_accounts: "team",
  team_department_admins: "team",
  notifications: "notifications",
  risk_settings: "risk",
  risk_signals: "risk",
  sign_in_ranges: "risk",
  materials: "materials",
  kf_routing_rules: "customer-service",
  menu_drafts: "menus",
  menu_publications: "menus",
  menu_clicks: "menus",
  qrcodes: "qrcodes",
  qrcode_scans: "qrcodes",
  qrcode_followers: "qrcodes",
  qrcode_batches: "qrcodes",
  qrcode_batch_items: "qrcodes",
  qrcode_creations: "qrcodes",
  automation_rules: "automation",
  automation_hits: "automation",
  followers: "followers",
  follower_tags: "followers",
  follower_tag_members: "followers",
  follower_syncs: "followers",
  campaigns: "campaigns",
  campaign_recipients: "campaigns",
  campaign_lists: "campaigns",
  campaign_list_members: "campaigns",
  campaign_settings: "campaigns",
  campaign_mass_batches: "campaigns",
  campaign_counts: "campaigns",
  campaign_consents: "campaigns",
} as const;

export type OwnedTable = keyof typeof tableOwners;
