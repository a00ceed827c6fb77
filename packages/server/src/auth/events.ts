/**
 * A sign-in attempt, announced on the bus as `auth.sign_in` once decided: whoever watches for
 * abnormal sign-ins (a burst of failures, a new country) listens, without the auth module
 * knowing who does. Never a password or a code.
 */
export interface SignInAnnouncement {
  /** Null for a username that does not exist. */
  userId: string | null;
  username: string;
  ip: string | null;
  userAgent: string | null;
  /**
   * `success`: the session exists; `failure`: a wrong password or second-factor code (or a
   * disabled user); `frozen`: refused because the login is frozen.
   */
  outcome: "success" | "failure" | "frozen";
  /** The browser had no known device cookie of the user. */
  newDevice: boolean;
  at: number;
}

declare module "../platform/bus.js" {
  interface BusTopics {
    "auth.sign_in": { payload: SignInAnnouncement; result: undefined };
  }
}
