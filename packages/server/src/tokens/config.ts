import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** The central token server's settings: `config.tokens`. */
export const tokensConfig = defineSection("tokens", {
  refreshSeconds: {
    key: "tokenRefreshSeconds",
    env: "TOKEN_REFRESH_SECONDS",
    // Well inside the 5-minute refresh-ahead window: a token entering it is seen before it expires.
    schema: wholeNumber(1, 240, 60),
    help: "how often the token refresher looks for tokens about to expire, in seconds",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    tokens: SectionValue<typeof tokensConfig.settings>;
  }
}
