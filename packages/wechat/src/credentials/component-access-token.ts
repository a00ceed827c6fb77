import { getComponentAccessToken } from "../api/component.js";
import type { WeChatClient } from "../client/index.js";
import { MissingTicketError, WeChatConfigError } from "../errors/index.js";
import { CachedCredential, type CredentialCacheOptions } from "./cached-credential.js";
import { tokenKeys } from "./keys.js";
import type { StoredToken, TicketStore } from "./stores.js";

/** Options of a {@link ComponentAccessTokenCredential}. */
export interface ComponentAccessTokenCredentialOptions extends CredentialCacheOptions {
  componentAppId: string;
  componentSecret: string;
  client: WeChatClient;
  /** Where the pushed component_verify_ticket is kept. */
  ticketStore: TicketStore;
}

/**
 * A third-party platform's component_access_token, from its secret and the latest
 * component_verify_ticket. Stored under `tokenKeys.componentAccessToken(componentAppId)`.
 * @throws MissingTicketError from getToken() while no ticket has been pushed yet
 */
export class ComponentAccessTokenCredential extends CachedCredential {
  readonly componentAppId: string;
  readonly #secret: string;
  readonly #client: WeChatClient;
  readonly #tickets: TicketStore;

  constructor(options: ComponentAccessTokenCredentialOptions) {
    if (!options.componentAppId) throw new WeChatConfigError("componentAppId is required");
    if (!options.componentSecret) {
      throw new WeChatConfigError(`componentSecret is required for ${options.componentAppId}`);
    }
    super(tokenKeys.componentAccessToken(options.componentAppId), options);
    this.componentAppId = options.componentAppId;
    this.#secret = options.componentSecret;
    this.#client = options.client;
    this.#tickets = options.ticketStore;
  }

  protected override async fetchToken(): Promise<StoredToken> {
    const verifyTicket = await this.#tickets.getTicket(this.componentAppId);
    if (!verifyTicket) throw new MissingTicketError(this.componentAppId);
    const result = await getComponentAccessToken(this.#client, {
      componentAppId: this.componentAppId,
      componentSecret: this.#secret,
      verifyTicket,
    });
    return { value: result.component_access_token, expiresAt: this.now() + result.expires_in * 1000 };
  }
}
