import { accountsMigrations, accountsModule } from "./accounts/index.js";
import { auditMigrations, auditModule } from "./audit/index.js";
import { authMigrations } from "./auth/index.js";
import { automationMigrations, automationModule } from "./automation/index.js";
import { callbacksMigrations, callbacksModule } from "./callbacks/index.js";
import { campaignsMigrations, campaignsModule } from "./campaigns/index.js";
import { customerServiceMigrations, customerServiceModule } from "./customer-service/index.js";
import { followersMigrations, followersModule } from "./followers/index.js";
import { homeModule } from "./home/index.js";
import { materialsMigrations, materialsModule } from "./materials/index.js";
import { menusMigrations, menusModule } from "./menus/index.js";
import type { ModuleFactory } from "./module.js";
import { notificationsMigrations, notificationsModule } from "./notifications/index.js";
import {
  assembleMigrations,
  type MigrationSource,
  type PortableMigration,
  platformMigrations,
} from "./platform/store/migrations/index.js";
import { qrcodesMigrations, qrcodesModule } from "./qrcodes/index.js";
import { riskMigrations, riskModule } from "./risk/index.js";
import { teamMigrations, teamModule } from "./team/index.js";
import { tokensMigrations, tokensModule } from "./tokens/index.js";
import { webhooksMigrations, webhooksModule } from "./webhooks/index.js";

/**
 * The domain modules the server mounts (auth is always first and built by the server itself).
 * Each factory is called once, in this order: a module uses services only of modules listed
 * before it (tokens ← accounts ← callbacks ← webhooks; accounts ← team;
 * team, notifications, webhooks ← risk; followers ← customer service ← automation), which the start checks. The audit log
 * is last: it observes every module's changing requests at the edge and uses no one's service.
 * A new module adds its factory here and its migrations to `migrationSources` below.
 */
export const moduleFactories: readonly ModuleFactory[] = [
  tokensModule,
  accountsModule,
  callbacksModule(),
  menusModule,
  webhooksModule(),
  homeModule,
  teamModule,
  notificationsModule,
  riskModule,
  followersModule,
  qrcodesModule,
  materialsModule,
  // Routing by tag asks the followers module for a follower's tags.
  customerServiceModule((ctx) => ctx.use("followers")),
  // Transfers to customer service are routed by the customer-service module's rules.
  automationModule({ transferRouter: (ctx) => ctx.use("kfRouter") }),
  // Audiences from the followers module, content from the materials module.
  campaignsModule,
  auditModule(),
];

/**
 * Every owner's migrations, each from its own folder: the platform's (the job queue), then the
 * modules' in the order they are built (auth, then the registry's). Where several owners have a
 * part in one step (the steps released before each module had its own migrations: `0001`,
 * `0002`, `0004`, `0011`), the parts run in this order.
 */
export const migrationSources: readonly MigrationSource[] = [
  { owner: "platform", migrations: platformMigrations },
  { owner: "auth", migrations: authMigrations },
  { owner: "tokens", migrations: tokensMigrations },
  { owner: "accounts", migrations: accountsMigrations },
  { owner: "callbacks", migrations: callbacksMigrations },
  { owner: "webhooks", migrations: webhooksMigrations },
  { owner: "audit", migrations: auditMigrations },
  { owner: "team", migrations: teamMigrations },
  { owner: "notifications", migrations: notificationsMigrations },
  { owner: "risk", migrations: riskMigrations },
  { owner: "followers", migrations: followersMigrations },
  { owner: "automation", migrations: automationMigrations },
  { owner: "menus", migrations: menusMigrations },
  { owner: "qrcodes", migrations: qrcodesMigrations },
  { owner: "materials", migrations: materialsMigrations },
  { owner: "customer-service", migrations: customerServiceMigrations },
  { owner: "campaigns", migrations: campaignsMigrations },
];

/**
 * The one ordered list of migrations the store runs, by step name: every path that opens the
 * store (the server, `wxgate migrate`, `wxgate admin create`, tests) migrates with it.
 */
export const migrations: readonly PortableMigration[] = assembleMigrations(migrationSources);
