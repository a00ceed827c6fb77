// The tokens module's tables (created by its part of the step 0002_accounts, named when tokens
// were part of the accounts module).

/** A token by credential key (see the SDK's `tokenKeys`); `value` bound to `tokens.value:<key>`. */
export interface TokensTable {
  key: string;
  /** The account (or platform) the token belongs to: what deleting an account removes. */
  appid: string;
  value: string;
  expires_at: number;
  updated_at: number;
}

/** The platform's latest component_verify_ticket, bound to `component_state.ticket:<appid>`. */
export interface ComponentStateTable {
  component_appid: string;
  ticket: string | null;
  ticket_received_at: number | null;
  updated_at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    tokens: TokensTable;
    component_state: ComponentStateTable;
  }
}
