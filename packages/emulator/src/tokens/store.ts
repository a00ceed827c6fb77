import { tokenLimits } from "@wxgate/wechat";
import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import type { TokenKind, TokenRecord } from "../world/types.js";
import type { World } from "../world/world.js";

/** Lifetime of every access token WeChat issues (expires_in 7200). */
export const TOKEN_TTL_MS = tokenLimits.expiresInSeconds * 1000;
/** After a new token is issued, the previous one stays valid this long. */
export const TOKEN_OVERLAP_MS = tokenLimits.overlapSeconds * 1000;
/** Clients must be able to store tokens of this length; ours are always shorter. */
export const TOKEN_MAX_LENGTH: number = tokenLimits.maxLength;

const TOKEN_SHAPE = /^[A-Za-z0-9_\-@*.]+$/;

/** Why a token was refused, as the errcode WeChat answers. */
export type TokenRefusal = 40001 | 40014 | 42001;

export type TokenCheck = { ok: true; record: TokenRecord } | { ok: false; errcode: TokenRefusal };

export interface IssueOptions {
  kind: TokenKind;
  appId: string;
  componentAppId?: string;
  /** The token this one replaces (same kind and owner). */
  previous?: string | undefined;
  /**
   * How the previous token ends: `overlap` keeps it 5 more minutes (the normal rule),
   * `immediate` kills it now (force_refresh, control calls).
   */
  supersede?: "overlap" | "immediate";
  ttlMs?: number;
}

/**
 * Issues and checks every token of the world (basic, stable, authorizer, component). Tokens
 * are indexed by value in `world.state.tokens`, so one lookup answers any API call.
 */
export class TokenStore {
  constructor(
    private readonly world: World,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /** Issues a new token and ends the previous one according to `supersede`. */
  issue(options: IssueOptions): TokenRecord {
    const now = this.clock.now();
    let value = this.ids.accessToken();
    while (this.world.token(value)) value = this.ids.accessToken();
    const record: TokenRecord = {
      value,
      kind: options.kind,
      appId: options.appId,
      issuedAt: now,
      expiresAt: now + (options.ttlMs ?? TOKEN_TTL_MS),
    };
    if (options.componentAppId !== undefined) record.componentAppId = options.componentAppId;
    if (options.previous !== undefined) this.end(options.previous, options.supersede ?? "overlap");
    this.world.pruneTokens(now);
    this.world.state.tokens[value] = record;
    return record;
  }

  /** Ends a token: with `overlap` it lives 5 more minutes, with `immediate` it dies now. */
  end(value: string, how: "overlap" | "immediate"): void {
    const record = this.world.token(value);
    if (!record) return;
    const now = this.clock.now();
    if (how === "immediate") record.revokedAt ??= now;
    else record.supersededAt ??= now;
  }

  /** Whether a token is usable now; the refusal is the errcode WeChat answers. */
  check(value: string): TokenCheck {
    if (value.length > TOKEN_MAX_LENGTH || !TOKEN_SHAPE.test(value)) return { ok: false, errcode: 40014 };
    const record = this.world.token(value);
    if (!record) return { ok: false, errcode: 40001 };
    const now = this.clock.now();
    if (record.revokedAt !== undefined && now >= record.revokedAt) return { ok: false, errcode: 40001 };
    const replacedEnd =
      record.supersededAt === undefined ? undefined : record.supersededAt + TOKEN_OVERLAP_MS;
    if (replacedEnd !== undefined && now >= replacedEnd && replacedEnd < record.expiresAt) {
      return { ok: false, errcode: 40001 };
    }
    if (now >= record.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, record };
  }

  /** Seconds left before the token expires (at least 0). */
  expiresIn(record: TokenRecord): number {
    return Math.max(0, Math.floor((record.expiresAt - this.clock.now()) / 1000));
  }
}
