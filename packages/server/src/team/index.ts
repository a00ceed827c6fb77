import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { Departments } from "./departments.js";
import { teamPolicy } from "./policy.js";
import { TeamRepository } from "./repository.js";
import { type TeamRoster, teamRoster } from "./roster.js";
import { teamRoutes } from "./routes.js";
import { TeamService } from "./service.js";

export { teamConfig } from "./config.js";
export { teamMigrations } from "./migrations/index.js";
export { type TeamAction, teamPolicy } from "./policy.js";
export type { RosterEntry, TeamRoster } from "./roster.js";
export { TeamService } from "./service.js";

declare module "../platform/services.js" {
  interface ModuleServices {
    /** Who holds what on which account (the authorization review, the risk alerts' recipients). */
    teamRoster: TeamRoster;
  }
}

/** The team module with its services, for tests. */
export interface Team {
  module: DomainModule;
  service: TeamService;
  departments: Departments;
}

/**
 * Builds the team module (members of accounts, invitations, departments): uses the auth
 * module's `users` (and gives it what limits a user beyond their role) and the accounts
 * module's `accountDirectory`; makes whoever connects an account its super admin, and forgets
 * an account's members when it is deleted.
 */
export function createTeam(ctx: ModuleContext): Team {
  const users = ctx.use("users");
  const accounts = ctx.use("accountDirectory");
  const repository = new TeamRepository(ctx.db);
  const logger = ctx.logger.child({ module: "team" });
  const service = new TeamService({
    repository,
    users,
    accounts,
    clock: ctx.clock,
    logger,
    limits: ctx.config.team,
  });
  const departments = new Departments({ repository, users, accounts, clock: ctx.clock, logger });
  users.useAccess(service);
  ctx.provide("teamRoster", teamRoster({ repository, users, clock: ctx.clock }));
  ctx.bus.on("accounts.connected", async ({ appId, userId }) => {
    await service.accountConnected(appId, userId);
    return undefined;
  });
  ctx.bus.on("accounts.purge", (appId) => repository.purgeAccount(appId));
  return {
    module: { name: "team", policies: [teamPolicy], routes: teamRoutes(service, departments) },
    service,
    departments,
  };
}

/** The module factory for the registry (after `accountsModule`). */
export const teamModule: ModuleFactory = (ctx) => createTeam(ctx).module;
