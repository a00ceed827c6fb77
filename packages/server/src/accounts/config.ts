import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** The authorization lifecycle's settings: `config.lifecycle`. */
export const lifecycleConfig = defineSection("lifecycle", {
  authorizationValidityDays: {
    key: "authorizationValidityDays",
    env: "AUTHORIZATION_VALIDITY_DAYS",
    // A platform authorization lasts at most a year; an operator may choose less.
    schema: wholeNumber(1, 365, 365),
    help: "how long a platform authorization lasts, in days (at most 365)",
  },
  deauthorizationCoolingOffHours: {
    key: "deauthorizationCoolingOffHours",
    env: "DEAUTHORIZATION_COOLING_OFF_HOURS",
    // 0 turns the freeze off; a month is the most it may last.
    schema: wholeNumber(0, 720, 48),
    help: "how long a de-authorized account stays frozen before it may be deleted, in hours",
  },
  authorizationRequestsPerMonth: {
    key: "authorizationRequestsPerMonth",
    env: "AUTHORIZATION_REQUESTS_PER_MONTH",
    schema: wholeNumber(1, 1000, 50),
    help: "authorization requests (pre-auth links) the platform may start per month, Beijing time",
  },
  authorizationSweepMinutes: {
    key: "authorizationSweepMinutes",
    env: "AUTHORIZATION_SWEEP_MINUTES",
    schema: wholeNumber(1, 1440, 60),
    help: "how often the authorization lifecycle sweep runs, in minutes",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    lifecycle: SectionValue<typeof lifecycleConfig.settings>;
  }
}

/** The WeChat call log's settings: `config.callLog`. */
export const callLogConfig = defineSection("callLog", {
  retentionDays: {
    key: "apiCallRetentionDays",
    env: "API_CALL_RETENTION_DAYS",
    // A campaign of a million messages writes a million records: a month of them is kept.
    schema: wholeNumber(1, 3650, 30),
    help: "how long the WeChat call log keeps its records, in days (then purged)",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    callLog: SectionValue<typeof callLogConfig.settings>;
  }
}
