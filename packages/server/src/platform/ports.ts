/**
 * The ports: what the domain needs from infrastructure, and nothing about how it is done.
 * Services receive these interfaces; each has an embedded adapter beside this file and,
 * later, a cluster adapter (Redis) with the same contract tests.
 */

/** Where "now" comes from. Tests and the sandbox use a controllable one. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Mutual exclusion and call coalescing by key (e.g. one token refresh per appid). */
export interface Lock {
  /** Runs `fn` when no other `runExclusive` for `key` is running; callers queue in order. */
  runExclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Joins a run of `fn` already in flight for `key` instead of starting another: all
   * concurrent callers get the same result (or the same error).
   */
  singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** A bounded key/value memory with expiry: nonces, de-duplication, short-lived lookups. */
export interface Cache<V = unknown> {
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs?: number): void;
  /** Stores `value` only when `key` is absent (or expired); true when it was stored. */
  setIfAbsent(key: string, value: V, ttlMs?: number): boolean;
  delete(key: string): boolean;
  clear(): void;
  readonly size: number;
}

/** A count of hits in a fixed window, as a {@link RateLimitStore} keeps it. */
export interface RateLimitCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetInMs: number;
}

/**
 * Counters in fixed windows by key (sign-in attempts per address and per username). One
 * process keeps them in memory; a cluster needs one shared store (Redis) behind this port.
 */
export interface RateLimitStore {
  /** Counts one hit for `key` in a window of `windowMs` starting at its first hit. */
  hit(key: string, windowMs: number): Promise<RateLimitCount>;
}

/**
 * The job queues and their payloads: each module adds its own queues here by declaration
 * merging (`declare module "../platform/ports.js" { interface JobPayloads { … } }`), in its
 * `jobs.ts`. `enqueue` and the queue's handler read the same entry, so a payload is never cast.
 * Names are global: prefix them with the module's name.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules through declaration merging
export interface JobPayloads {}

/** A queue's name: a key of {@link JobPayloads}. */
export type QueueName = keyof JobPayloads & string;

/** What a job handler receives. */
export interface Job<P = unknown> {
  id: string;
  queue: string;
  payload: P;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

/** Runs one job. Throwing schedules a retry (with backoff) until `maxAttempts`. */
export type JobHandler<P = unknown> = (job: Job<P>) => Promise<void>;

/** How a job is enqueued. */
export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** While a job with this key is pending or running, enqueueing another returns its id. */
  dedupeKey?: string;
  /** Defaults to the queue's setting (5). */
  maxAttempts?: number;
}

/**
 * The durable job queue: survives restarts, retries with exponential backoff. `M` maps queue
 * names to payloads: the server's queue is typed by {@link JobPayloads}.
 */
export interface Queue<M extends object = JobPayloads> {
  enqueue<Q extends keyof M & string>(queue: Q, payload: M[Q], options?: EnqueueOptions): Promise<string>;
  /** Registers the handler for one queue name; one handler per name. */
  handle<Q extends keyof M & string>(queue: Q, handler: JobHandler<M[Q]>): void;
  /** Starts the worker loop. */
  start(): void;
  /** Stops taking jobs and waits for the running ones to finish. */
  stop(): Promise<void>;
}

/** A module's handler of one queue, as {@link defineJob} makes it. */
export interface ModuleJob {
  readonly queue: QueueName;
  /** Registers the handler on the server's queue. */
  register(queue: Queue): void;
}

/** Declares a module's handler of one of its queues; the payload's type comes from {@link JobPayloads}. */
export function defineJob<Q extends QueueName>(queue: Q, handler: JobHandler<JobPayloads[Q]>): ModuleJob {
  return { queue, register: (target) => target.handle(queue, handler) };
}
