import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** The audit log's settings: `config.audit`. */
export const auditConfig = defineSection("audit", {
  // Seed 000 keeps operation records 180 days.
  retentionDays: {
    key: "auditRetentionDays",
    env: "AUDIT_RETENTION_DAYS",
    schema: wholeNumber(1, 3650, 180),
    help: "how long audit log entries are kept, in days (then purged)",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    audit: SectionValue<typeof auditConfig.settings>;
  }
}
