import type { ModuleFactory } from "../module.js";
import { auditPolicy } from "./policy.js";
import { AuditRepository } from "./repository.js";
import { auditRoutes } from "./routes.js";
import { AuditService } from "./service.js";
import { AuditWorker } from "./worker.js";

export { auditConfig } from "./config.js";
export { auditMigrations } from "./migrations/index.js";
export { auditPolicy } from "./policy.js";
export { redactBody } from "./redact.js";
export type { AuditEntryView } from "./service.js";
export { AuditService } from "./service.js";
export { AuditWorker, PURGE_EVERY_MS } from "./worker.js";

/**
 * The audit log, last in the registry: it observes every changing API request at the HTTP edge
 * (whatever module serves it) and keeps it, with `/api/v1/audit` to read and export, and a
 * worker that purges entries past their retention. Entries outlive the accounts they name: an account's
 * deletion is itself an entry, and the record of what was done to it is evidence.
 */
export function auditModule(): ModuleFactory {
  return function audit(context) {
    const logger = context.logger.child({ component: "audit" });
    const service = new AuditService(
      new AuditRepository(context.db),
      context.clock,
      logger,
      context.config.audit.retentionDays,
    );
    return {
      name: "audit",
      policies: [auditPolicy],
      routes: auditRoutes(service),
      requestObservers: [service.observe],
      workers: [new AuditWorker(service, logger)],
    };
  };
}
