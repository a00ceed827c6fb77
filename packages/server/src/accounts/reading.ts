import type { EventBus } from "../platform/bus.js";
import { errors } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock, Lock } from "../platform/ports.js";
import type { WeChatConnection } from "../platform/wechat.js";
import type { TokenService } from "../tokens/index.js";
import { type LifecyclePolicy, lifecycleOf } from "./lifecycle.js";
import type { AccountRepository, AccountRow } from "./repository.js";
import type { AccountSettings } from "./settings.js";
import { type AccountView, toAccountView } from "./views.js";

/** Where WeChat sends the browser after the administrator confirmed. */

/** What the account services are built with. */
export interface AccountDeps {
  repository: AccountRepository;
  settings: AccountSettings;
  tokens: TokenService;
  wechat: WeChatConnection;
  bus: EventBus;
  clock: Clock;
  lock: Lock;
  logger: Logger;
  policy: LifecyclePolicy;
  /** Authorization requests the platform may start per Beijing month. */
  authorizationRequestsPerMonth: number;
}

/** Accounts as views, and the lookups every use case starts with. */
export class AccountReader {
  constructor(private readonly deps: AccountDeps) {}

  async list(): Promise<AccountView[]> {
    const [rows, minimum] = await Promise.all([
      this.deps.repository.list(),
      this.deps.settings.minimumPermissionSets(),
    ]);
    const now = this.deps.clock.now();
    return rows.map((row) => toAccountView(row, minimum, lifecycleOf(row, now, this.deps.policy)));
  }

  async get(appId: string): Promise<AccountView> {
    return this.view(await this.require(appId));
  }

  async view(row: AccountRow): Promise<AccountView> {
    const minimum = await this.deps.settings.minimumPermissionSets();
    return toAccountView(row, minimum, lifecycleOf(row, this.deps.clock.now(), this.deps.policy));
  }

  async require(appId: string): Promise<AccountRow> {
    const row = await this.deps.repository.find(appId);
    if (!row) throw errors.notFound(`account ${appId}`);
    return row;
  }

  async reload(appId: string): Promise<AccountView> {
    this.deps.tokens.forget(appId);
    return this.get(appId);
  }
}
