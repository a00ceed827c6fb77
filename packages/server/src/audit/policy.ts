import { definePolicy } from "../platform/policy.js";

/** The audit log: read and exported by administrators in the console (no API-key scope grants it), never changed. */
export const auditPolicy = definePolicy("audit", {
  "audit.read": { summary: "See and export the audit log", scopes: [] },
});

/** This module's actions, by name. */
export type AuditAction = keyof typeof auditPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<AuditAction, true> {}
}
