/**
 * Something that hands out a valid access token: a credential that refreshes it itself,
 * a central token server, a fixed token in tests.
 */
export interface TokenProvider {
  /** A token that is valid now (fetched or refreshed when needed). */
  getToken(): Promise<string>;
  /**
   * WeChat rejected `staleToken` (40001 / 40014 / 42001). Drop it so the next `getToken()`
   * fetches a new one, but only while the stored token is still `staleToken`: when many
   * callers report the same stale token, one refresh follows, not many.
   * Without `staleToken`, drop whatever is stored.
   */
  invalidate(staleToken?: string): Promise<void>;
}

/** A provider that always answers the same token; for tests and short scripts. */
export function staticToken(token: string): TokenProvider {
  return {
    getToken: async () => token,
    invalidate: async () => {},
  };
}
