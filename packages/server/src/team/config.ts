import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** Members of accounts: `config.team`. Defaults from WeChat's own page (seed 002). */
export const teamConfig = defineSection("team", {
  longTermOperators: {
    key: "longTermOperators",
    env: "TEAM_LONG_TERM_OPERATORS",
    schema: wholeNumber(0, 100, 5),
    help: "long-term operators one account may have (invited ones count)",
  },
  shortTermOperators: {
    key: "shortTermOperators",
    env: "TEAM_SHORT_TERM_OPERATORS",
    schema: wholeNumber(0, 100, 20),
    help: "short-term operators one account may have (invited ones count)",
  },
  shortTermDays: {
    key: "shortTermDays",
    env: "TEAM_SHORT_TERM_DAYS",
    schema: wholeNumber(1, 366, 30),
    help: "days a short-term operator's access lasts from accepting the invitation",
  },
  invitationDays: {
    key: "invitationDays",
    env: "TEAM_INVITATION_DAYS",
    schema: wholeNumber(1, 90, 7),
    help: "days an invitation waits for its answer before it lapses",
  },
  accountsPerMember: {
    key: "accountsPerMember",
    env: "TEAM_ACCOUNTS_PER_MEMBER",
    schema: wholeNumber(1, 1000, 5),
    help: "accounts one member may operate (invitations count)",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    team: SectionValue<typeof teamConfig.settings>;
  }
}
