import { LruCache } from "../platform/cache.js";
import type { Clock } from "../platform/ports.js";

/** Answers kept verbatim for WeChat's retries (three tries, 5 s apart), at most this many. */
const ANSWER_ENTRIES = 20_000;
const ANSWER_MS = 60_000;
/** Plaintext pushes' (timestamp, nonce, signature) kept for the replay window, at most this many. */
const NONCE_ENTRIES = 200_000;
/** Dedupe keys kept per generation (two generations are kept). */
const SEEN_ENTRIES = 500_000;

/** Options of {@link PushMemory}. */
export interface PushMemoryOptions {
  clock: Clock;
  /** How long a push is remembered: at least the replay window. */
  memoryMs: number;
}

/**
 * What the gateway remembers of recent pushes, in process memory, in three parts sized for
 * what each is for:
 *
 * - the answers themselves, for a minute: WeChat's retries come within seconds, and a retry
 *   must get the same bytes;
 * - which pushes were seen, for the whole memory time, as 32-bit hashes of their dedupe keys
 *   in two generations of Sets: a few bytes each and nothing for the garbage collector to
 *   trace, where keeping every answer for ten minutes held hundreds of megabytes of strings.
 *   A hash may collide, so "seen" means "look in the events table", which decides;
 * - the nonces of plaintext pushes, whose `signature` does not cover the body: a second body
 *   under the same timestamp, nonce and signature is a forgery. (An encrypted push's
 *   `msg_signature` covers its body, so another body cannot carry the same signature.)
 */
export class PushMemory {
  readonly #clock: Clock;
  readonly #memoryMs: number;
  readonly #answers: LruCache<string>;
  readonly #nonces: LruCache<string>;
  #seen = new Set<number>();
  #seenBefore = new Set<number>();
  #generationStartedAt: number;

  constructor(options: PushMemoryOptions) {
    this.#clock = options.clock;
    this.#memoryMs = options.memoryMs;
    this.#answers = new LruCache({
      maxEntries: ANSWER_ENTRIES,
      defaultTtlMs: Math.min(ANSWER_MS, options.memoryMs),
      clock: options.clock,
    });
    this.#nonces = new LruCache({
      maxEntries: NONCE_ENTRIES,
      defaultTtlMs: options.memoryMs,
      clock: options.clock,
    });
    this.#generationStartedAt = options.clock.now();
  }

  /**
   * Plaintext pushes: claims (timestamp, nonce, signature) for `bodyHash`. False when they
   * were already used with another body.
   */
  claimNonce(nonceKey: string, bodyHash: string): boolean {
    if (this.#memoryMs <= 0) return true;
    const seen = this.#nonces.get(nonceKey);
    if (seen === undefined) this.#nonces.set(nonceKey, bodyHash);
    return seen === undefined || seen === bodyHash;
  }

  /** The answer given to the push with this key, while it is kept. */
  answer(key: string): string | undefined {
    return this.#answers.get(key);
  }

  /** Whether a push with this key may have been seen: true can be a false alarm, false is sure. */
  maybeSeen(key: string): boolean {
    if (this.#memoryMs <= 0) return false;
    this.#rotate();
    const hash = fnv1a(key);
    return this.#seen.has(hash) || this.#seenBefore.has(hash);
  }

  /** Remembers the answer to the push with this key. */
  remember(key: string, answer: string): void {
    if (this.#memoryMs <= 0) return;
    this.#answers.set(key, answer);
    this.markSeen(key);
  }

  /** Remembers that the push with this key was answered (the answer is in the events table). */
  markSeen(key: string): void {
    if (this.#memoryMs <= 0) return;
    this.#rotate();
    this.#seen.add(fnv1a(key));
  }

  /** Starts a new generation when the current one is as old as the memory time, or full. */
  #rotate(): void {
    const now = this.#clock.now();
    if (now - this.#generationStartedAt < this.#memoryMs && this.#seen.size < SEEN_ENTRIES) return;
    this.#seenBefore = this.#seen;
    this.#seen = new Set();
    this.#generationStartedAt = now;
  }
}

/** FNV-1a over the UTF-16 code units: fast, and good enough to spread keys that differ at the end. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
