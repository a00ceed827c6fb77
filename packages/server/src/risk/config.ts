import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** The alerts about abnormal operations (seed 000: 微信卫士): `config.risk`. */
export const riskConfig = defineSection("risk", {
  riskOperationsPerHour: {
    key: "alertRiskOperationsPerHour",
    env: "ALERT_RISK_OPERATIONS_PER_HOUR",
    schema: wholeNumber(1, 10_000, 10),
    help: "risk operations one user or API key may take in an hour before the administrators are alerted",
  },
  failedSignIns: {
    key: "alertFailedSignIns",
    env: "ALERT_FAILED_SIGN_INS",
    schema: wholeNumber(2, 10_000, 10),
    help: "failed sign-ins (for one username, or from one address) that alert the administrators",
  },
  failedSignInMinutes: {
    key: "alertFailedSignInMinutes",
    env: "ALERT_FAILED_SIGN_IN_MINUTES",
    schema: wholeNumber(1, 1440, 15),
    help: "the window, in minutes, the failed sign-ins of an alert are counted in",
  },
  reviewIdleDays: {
    key: "reviewIdleDays",
    env: "REVIEW_IDLE_DAYS",
    schema: wholeNumber(1, 3650, 90),
    help: "days without activity after which the authorization review flags a member",
  },
  reviewExpiringDays: {
    key: "reviewExpiringDays",
    env: "REVIEW_EXPIRING_DAYS",
    schema: wholeNumber(1, 366, 7),
    help: "days before a short-term operator's access ends from which the review flags it",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    risk: SectionValue<typeof riskConfig.settings>;
  }
}
