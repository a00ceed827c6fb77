import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** Sign-in protection: `config.auth`. */
export const authConfig = defineSection("auth", {
  // 5 wrong passwords in a row freeze a login for 2 hours; a right one resets the count.
  loginMaxFailures: {
    key: "loginMaxFailures",
    env: "LOGIN_MAX_FAILURES",
    schema: wholeNumber(1, 100, 5),
    help: "consecutive wrong passwords that freeze a login",
  },
  loginFreezeMinutes: {
    key: "loginFreezeMinutes",
    env: "LOGIN_FREEZE_MINUTES",
    schema: wholeNumber(1, 10_080, 120),
    help: "how long a frozen login stays frozen, in minutes",
  },
  // Every attempt counts, right or wrong: parallel guesses cannot slip in between a check
  // and the count. Generous enough for people sharing an office's address.
  signInIpLimit: {
    key: "signInIpLimit",
    env: "SIGN_IN_IP_LIMIT",
    schema: wholeNumber(1, 10_000, 20),
    help: "sign-in attempts one client address may make per window",
  },
  signInIpWindowMinutes: {
    key: "signInIpWindowMinutes",
    env: "SIGN_IN_IP_WINDOW_MINUTES",
    schema: wholeNumber(1, 1440, 1),
    help: "the window of WXGATE_SIGN_IN_IP_LIMIT, in minutes",
  },
  // Guessing one login from many addresses; unknown usernames count alike.
  signInUsernameLimit: {
    key: "signInUsernameLimit",
    env: "SIGN_IN_USERNAME_LIMIT",
    schema: wholeNumber(1, 10_000, 10),
    help: "sign-in attempts for one username (from any address) per window",
  },
  signInUsernameWindowMinutes: {
    key: "signInUsernameWindowMinutes",
    env: "SIGN_IN_USERNAME_WINDOW_MINUTES",
    schema: wholeNumber(1, 1440, 15),
    help: "the window of WXGATE_SIGN_IN_USERNAME_LIMIT, in minutes",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    auth: SectionValue<typeof authConfig.settings>;
  }
}
