/**
 * Deterministic identifiers. With a seed, the same sequence of calls yields the same tokens,
 * OpenIDs and codes, so tests and demo data are reproducible; without one, the seed is random.
 */

/** cyrb128: spreads any string over four 32-bit words (the state of xoshiro128**). */
function hashSeed(seed: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  const a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
  return [a, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0 || 1];
}

/** xoshiro128**: small, fast, and good enough for identifiers (not for secrets of real systems). */
export class Prng {
  private s: [number, number, number, number];

  constructor(seed: string | number | [number, number, number, number]) {
    this.s = Array.isArray(seed) ? [...seed] : hashSeed(String(seed));
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError("cannot pick from an empty list");
    return item;
  }

  /** `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[this.nextUint32() % alphabet.length];
    return out;
  }

  /** The internal state, for snapshots. */
  get state(): [number, number, number, number] {
    const [a, b, c, d] = this.s;
    return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
  }

  set state(value: [number, number, number, number]) {
    const [a, b, c, d] = value;
    this.s = [a | 0, b | 0, c | 0, d | 0];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const HEX = "0123456789abcdef";
const DIGITS = "0123456789";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** The alphabet of WeChat's tokens and OpenIDs: base64url without padding. */
const URLSAFE = `${ALNUM}-_`;

/**
 * Every identifier the emulator hands out. Formats follow what WeChat returns, so clients
 * that validate lengths or prefixes accept them.
 */
export class IdGenerator {
  readonly prng: Prng;
  /** The seed as given (or the random one chosen), so a run can be reproduced. */
  readonly seed: string;

  constructor(seed?: string | number) {
    this.seed = seed === undefined ? Math.random().toString(36).slice(2) : String(seed);
    this.prng = new Prng(this.seed);
  }

  /**
   * An access token (also authorizer and component tokens): `<n>_` then 130-odd URL-safe
   * characters, like WeChat's (~136–160 characters; clients must store up to 512).
   */
  accessToken(): string {
    return `${this.prng.int(60, 99)}_${this.prng.chars(URLSAFE, this.prng.int(130, 150))}`;
  }

  /** A refresh token of an authorization (`refreshtoken@@@` prefix, as WeChat's). */
  refreshToken(): string {
    return `refreshtoken@@@${this.prng.chars(URLSAFE, 43)}`;
  }

  /** A 28-character OpenID: `o` then 27 URL-safe characters. */
  openId(): string {
    return `o${this.prng.chars(URLSAFE, 27)}`;
  }

  /** A 28-character UnionID: `o` then 27 URL-safe characters (its own stream of values). */
  unionId(): string {
    return `o${this.prng.chars(URLSAFE, 27)}`;
  }

  /** An appid: `wx` then 16 hex digits. */
  appId(): string {
    return `wx${this.prng.chars(HEX, 16)}`;
  }

  /** An original id (user_name): `gh_` then 12 hex digits. */
  originalId(): string {
    return `gh_${this.prng.chars(HEX, 12)}`;
  }

  /** An AppSecret: 32 hex digits. */
  secret(): string {
    return this.prng.chars(HEX, 32);
  }

  /** An EncodingAESKey: 43 characters of [A-Za-z0-9]. */
  encodingAESKey(): string {
    return this.prng.chars(ALNUM, 43);
  }

  /** A server Token (3–32 characters of [A-Za-z0-9]; 32 here). */
  serverToken(): string {
    return this.prng.chars(ALNUM, 32);
  }

  /** A request id as WeChat appends to errmsg: `<seconds hex>-<8 hex>-<8 hex>`. */
  rid(nowMs: number): string {
    const seconds = Math.floor(nowMs / 1000)
      .toString(16)
      .padStart(8, "0");
    return `${seconds}-${this.prng.chars(HEX, 8)}-${this.prng.chars(HEX, 8)}`;
  }

  /** A 19-digit message id below 2^63 (signed 64-bit, as MsgId, msgid and msg_data_id are). */
  msgId(): string {
    const high = BigInt(this.prng.nextUint32() & 0x7fffffff);
    const low = BigInt(this.prng.nextUint32());
    const value = ((high << 32n) | low) % 8000000000000000000n;
    return (value + 1000000000000000000n).toString();
  }

  /** A component_verify_ticket: `ticket@@@` then URL-safe characters. */
  verifyTicket(): string {
    return `ticket@@@${this.prng.chars(URLSAFE, 86)}`;
  }

  /** A QR code ticket (URL-safe base64 of ~96 characters, used in showqrcode URLs). */
  qrTicket(): string {
    return `gQ${this.prng.chars(ALNUM, 94)}==`;
  }

  /** A pre-auth code: `preauthcode@@@` then URL-safe characters. */
  preAuthCode(): string {
    return `preauthcode@@@${this.prng.chars(URLSAFE, 64)}`;
  }

  /** An authorization code (auth_code): `queryauthcode@@@` then URL-safe characters. */
  authCode(): string {
    return `queryauthcode@@@${this.prng.chars(URLSAFE, 64)}`;
  }

  /** A generic one-time code (login codes, web OAuth codes): 32 URL-safe characters. */
  code(): string {
    return this.prng.chars(URLSAFE, 32);
  }

  /** A template id: 43 URL-safe characters. */
  templateId(): string {
    return this.prng.chars(URLSAFE, 43);
  }

  /** A media id: 64 URL-safe characters. */
  mediaId(): string {
    return this.prng.chars(URLSAFE, 64);
  }

  /** `length` decimal digits (nonces, scene numbers). */
  digits(length: number): string {
    return this.prng.chars(DIGITS, length);
  }

  /** `length` alphanumeric characters. */
  alnum(length: number): string {
    return this.prng.chars(ALNUM, length);
  }
}
