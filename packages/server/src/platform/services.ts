/**
 * The services modules offer one another, by name. Empty here: each module declares the
 * services it provides by augmenting this interface from its own `index.ts`, so `use` is typed
 * without the platform knowing any domain:
 *
 * ```ts
 * declare module "../platform/services.js" {
 *   interface ModuleServices { tokens: TokenService }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging, module by module
export interface ModuleServices {}

/** A service was used before any module provided it, or provided twice. */
export class ServiceOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceOrderError";
  }
}

/**
 * Named services, filled while the module factories run in the registry's order. A module uses
 * a service while its factory runs, so a list in the wrong order (or missing the provider)
 * fails at start, naming the service and the module, instead of at the first request.
 */
export class ServiceRegistry {
  readonly #services = new Map<keyof ModuleServices, { module: string; service: unknown }>();
  #building = "the server";

  /** Names the module whose factory runs now, for the errors. */
  building(module: string): void {
    this.#building = module;
  }

  provide<K extends keyof ModuleServices>(name: K, service: ModuleServices[K]): void {
    const existing = this.#services.get(name);
    if (existing) {
      throw new ServiceOrderError(
        `${this.#building} provides the service "${String(name)}", which ${existing.module} already provides`,
      );
    }
    this.#services.set(name, { module: this.#building, service });
  }

  /** @throws {ServiceOrderError} when no module built before has provided `name` */
  use<K extends keyof ModuleServices>(name: K): ModuleServices[K] {
    const entry = this.#services.get(name);
    if (!entry) {
      const provided = [...this.#services.keys()].map(String).join(", ") || "none";
      throw new ServiceOrderError(
        `${this.#building} uses the service "${String(name)}", which no module listed before it provides ` +
          `(provided so far: ${provided}); list its provider earlier in the registry`,
      );
    }
    // The map is filled only through `provide`, which keeps each name with its declared type.
    return entry.service as ModuleServices[K];
  }
}
