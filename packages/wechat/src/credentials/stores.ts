/** A token with its absolute expiry. */
export interface StoredToken {
  value: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Where credentials keep their tokens, by key (see {@link tokenKeys}). The server plugs in its
 * own (SQLite, Redis, encrypted); {@link MemoryTokenStore} serves one process.
 */
export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  set(key: string, token: StoredToken): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Where the component_verify_ticket that WeChat pushes every 10 minutes is kept. */
export interface TicketStore {
  getTicket(componentAppId: string): Promise<string | undefined>;
  setTicket(componentAppId: string, ticket: string): Promise<void>;
}

/** Where each authorizer's authorizer_refresh_token is kept. */
export interface RefreshTokenStore {
  get(authorizerAppId: string): Promise<string | undefined>;
  set(authorizerAppId: string, refreshToken: string): Promise<void>;
}

/** A {@link TokenStore} in this process's memory. */
export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredToken>();

  async get(key: string): Promise<StoredToken | undefined> {
    const token = this.tokens.get(key);
    return token && { ...token };
  }

  async set(key: string, token: StoredToken): Promise<void> {
    this.tokens.set(key, { value: token.value, expiresAt: token.expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.tokens.delete(key);
  }
}

/** A {@link TicketStore} in this process's memory. */
export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, string>();

  async getTicket(componentAppId: string): Promise<string | undefined> {
    return this.tickets.get(componentAppId);
  }

  async setTicket(componentAppId: string, ticket: string): Promise<void> {
    this.tickets.set(componentAppId, ticket);
  }
}

/** A {@link RefreshTokenStore} in this process's memory. */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  private readonly tokens = new Map<string, string>();

  async get(authorizerAppId: string): Promise<string | undefined> {
    return this.tokens.get(authorizerAppId);
  }

  async set(authorizerAppId: string, refreshToken: string): Promise<void> {
    this.tokens.set(authorizerAppId, refreshToken);
  }
}
