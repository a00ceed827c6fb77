import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from "kysely";
import type { Database } from "./schema.js";

/**
 * A statement built and compiled by Kysely once, then run with new values. For a small
 * statement run thousands of times a second (a queue's claim, an outcome), building it through
 * the query builder and compiling it costs more than the engine's own work.
 *
 * `build` is called once with `marks`: values that stand for the arguments and appear nowhere
 * else among the statement's parameters (a string no one writes, a number no timestamp is).
 * Each run puts the arguments where their marks were; every other parameter keeps its value.
 */
export class ReusableQuery<A extends readonly unknown[], R> {
  readonly #sql: string;
  /** For each parameter: the index of the argument it takes, or its fixed value. */
  readonly #slots: readonly (number | { value: unknown })[];

  constructor(build: (...args: A) => Compilable<R>, marks: A) {
    const compiled = build(...marks).compile();
    const used = new Set<number>();
    this.#sql = compiled.sql;
    this.#slots = compiled.parameters.map((parameter) => {
      const at = marks.indexOf(parameter);
      if (at < 0) return { value: parameter };
      used.add(at);
      return at;
    });
    if (used.size !== new Set(marks).size || new Set(marks).size !== marks.length) {
      throw new Error("each mark must be distinct and appear among the statement's parameters");
    }
  }

  /** The statement with `args` in place of the marks. */
  compile(...args: A): CompiledQuery<R> {
    const parameters = this.#slots.map((slot) => (typeof slot === "number" ? args[slot] : slot.value));
    return CompiledQuery.raw(this.#sql, parameters) as CompiledQuery<R>;
  }

  /** Runs it on `db` (the store, or a transaction). */
  execute(db: Kysely<Database>, ...args: A): Promise<QueryResult<R>> {
    return db.executeQuery(this.compile(...args));
  }
}
