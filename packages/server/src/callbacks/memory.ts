import type { Clock } from "../platform/ports.js";

/** Answers kept verbatim for WeChat's retries (three tries, 5 s apart). */
const ANSWER_MS = 60_000;
/** Entries per generation, at most: a generation that fills up turns over early. */
const ANSWER_ENTRIES = 10_000;
const NONCE_ENTRIES = 100_000;
const SEEN_ENTRIES = 500_000;

/** Options of {@link PushMemory}. */
export interface PushMemoryOptions {
  clock: Clock;
  /** How long a push is remembered: at least the replay window. */
  memoryMs: number;
}

/**
 * Two generations of a Map: entries go into the current one, lookups read both, and when the
 * current one is `periodMs` old (or full) the older is dropped whole. An entry lives at least
 * `periodMs` unless its generation filled up. Nothing is ever deleted one by one: a Map used as
 * an LRU (delete the oldest on every insert) spends its time skipping the holes that leaves.
 */
class Generations<V> {
  #current = new Map<string | number, V>();
  #previous = new Map<string | number, V>();
  #startedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly maxEntries: number,
  ) {
    this.#startedAt = clock.now();
  }

  get(key: string | number): V | undefined {
    this.#turn();
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  set(key: string | number, value: V): void {
    this.#turn();
    this.#current.set(key, value);
  }

  #turn(): void {
    const now = this.clock.now();
    if (now - this.#startedAt < this.periodMs && this.#current.size < this.maxEntries) return;
    // Idle for two whole periods: the older generation is stale too.
    this.#previous = now - this.#startedAt >= 2 * this.periodMs ? new Map() : this.#current;
    this.#current = new Map();
    this.#startedAt = now;
  }
}

/**
 * What the gateway remembers of recent pushes, in process memory, in three parts sized for
 * what each is for:
 *
 * - the answers themselves, for a minute: WeChat's retries come within seconds, and a retry
 *   must get the same bytes;
 * - which pushes were seen, for the whole memory time, as 30-bit hashes of their dedupe keys:
 *   small integers, nothing for the garbage collector to trace, where keeping every answer for
 *   ten minutes held hundreds of megabytes of strings. A hash may collide, so "seen" means
 *   "look in the events table", which decides;
 * - the nonces of plaintext pushes, whose `signature` does not cover the body: a second body
 *   under the same timestamp, nonce and signature is a forgery. (An encrypted push's
 *   `msg_signature` covers its body, so another body cannot carry the same signature.)
 */
export class PushMemory {
  readonly #enabled: boolean;
  readonly #answers: Generations<string>;
  readonly #nonces: Generations<string>;
  readonly #seen: Generations<true>;

  constructor(options: PushMemoryOptions) {
    const { clock, memoryMs } = options;
    this.#enabled = memoryMs > 0;
    this.#answers = new Generations(clock, Math.min(ANSWER_MS, memoryMs), ANSWER_ENTRIES);
    this.#nonces = new Generations(clock, memoryMs, NONCE_ENTRIES);
    this.#seen = new Generations(clock, memoryMs, SEEN_ENTRIES);
  }

  /**
   * Plaintext pushes: claims (timestamp, nonce, signature) for `bodyHash`. False when they
   * were already used with another body.
   */
  claimNonce(nonceKey: string, bodyHash: string): boolean {
    if (!this.#enabled) return true;
    const seen = this.#nonces.get(nonceKey);
    if (seen === undefined) this.#nonces.set(nonceKey, bodyHash);
    return seen === undefined || seen === bodyHash;
  }

  /** The answer given to the push with this key, while it is kept. */
  answer(key: string): string | undefined {
    return this.#enabled ? this.#answers.get(key) : undefined;
  }

  /** Whether a push with this key may have been seen: true can be a false alarm, false is sure. */
  maybeSeen(key: string): boolean {
    return this.#enabled && this.#seen.get(hash30(key)) === true;
  }

  /** Remembers the answer to the push with this key. */
  remember(key: string, answer: string): void {
    if (!this.#enabled) return;
    this.#answers.set(key, answer);
    this.#seen.set(hash30(key), true);
  }

  /** Remembers that the push with this key was answered (the answer is in the events table). */
  markSeen(key: string): void {
    if (this.#enabled) this.#seen.set(hash30(key), true);
  }
}

/**
 * FNV-1a over the UTF-16 code units, cut to 30 bits so that it stays a small integer (no heap
 * number per entry). Fast, and spreads keys that differ only at the end.
 */
function hash30(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x3fffffff;
}
