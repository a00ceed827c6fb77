/**
 * Topics of the in-process bus, by name: what is announced and what a handler answers. Empty
 * here: the module that announces a topic declares it by augmenting this interface, so the
 * platform carries the messages without knowing what they are about:
 *
 * ```ts
 * declare module "../platform/bus.js" {
 *   interface BusTopics { "accounts.purge": { payload: string; result: Record<string, number> | undefined } }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging, topic by topic
export interface BusTopics {}

type Payload<K extends keyof BusTopics> = BusTopics[K] extends { payload: infer P } ? P : never;
type Result<K extends keyof BusTopics> = BusTopics[K] extends { result: infer R } ? R : never;

/**
 * Handles one topic's messages; its answer is collected by {@link EventBus.request}. A topic
 * whose answer may be undefined takes handlers that answer nothing.
 */
export type BusHandler<K extends keyof BusTopics> = (
  payload: Payload<K>,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that answers nothing returns void
) => Result<K> | Promise<Result<K>> | (undefined extends Result<K> ? void : never);

/**
 * Modules announce to whoever listens, without knowing who does (the accounts module tells
 * that an account changed or goes away; the gateway forgets its cached credentials, every
 * module purges its rows).
 */
export class EventBus {
  readonly #handlers = new Map<keyof BusTopics, Array<(payload: never) => unknown>>();

  /** Adds a handler, run after those added before it; returns its removal. */
  on<K extends keyof BusTopics>(topic: K, handler: BusHandler<K>): () => void {
    const list = this.#handlers.get(topic) ?? [];
    const entry = handler as (payload: never) => unknown;
    list.push(entry);
    this.#handlers.set(topic, list);
    return () => {
      const index = list.indexOf(entry);
      if (index >= 0) list.splice(index, 1);
    };
  }

  /** Tells every handler at once, answers ignored: for notices whose handlers only forget state. */
  emit<K extends keyof BusTopics>(topic: K, payload: Payload<K>): void {
    for (const handler of this.#list(topic)) void handler(payload);
  }

  /**
   * Runs the handlers one after the other, the last added first, and returns their answers.
   * Modules add theirs in the registry's order, and a module builds on those listed before it
   * (webhook deliveries on events): so, as in a teardown, what builds on a row lets go first.
   */
  async request<K extends keyof BusTopics>(topic: K, payload: Payload<K>): Promise<Result<K>[]> {
    const answers: Result<K>[] = [];
    for (const handler of this.#list(topic).reverse()) {
      // A handler answering nothing is allowed only where undefined is an answer.
      answers.push((await handler(payload)) as Result<K>);
    }
    return answers;
  }

  #list<K extends keyof BusTopics>(topic: K): BusHandler<K>[] {
    return [...(this.#handlers.get(topic) ?? [])] as unknown as BusHandler<K>[];
  }
}
