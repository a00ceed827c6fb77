import { z } from "zod";

/**
 * One setting: where it is read (the config file's key, the environment variable) and its
 * schema. A module declares its settings as a section, beside its code (`webhooks/config.ts`);
 * `platform/config.ts` assembles the sections and validates them all at once.
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  /** The key in the config file; the environment variable is WXGATE_ + {@link env}. */
  key: string;
  /** The environment variable without its `WXGATE_` prefix. */
  env: string;
  schema: S;
  /** One line for `wxgate --help`. */
  help: string;
}

/** The value a section's settings give, field by field. */
export type SectionValue<F extends Record<string, Setting>> = { [K in keyof F]: z.output<F[K]["schema"]> };

/** A module's settings, read into `config[name]`. */
export interface ConfigSection<
  N extends string = string,
  F extends Record<string, Setting> = Record<string, Setting>,
> {
  name: N;
  settings: F;
  /**
   * Problems between the section's settings (one may not exceed another), once each is valid
   * on its own. `envName` names a setting as the operator sets it.
   */
  // A method, so a section of known settings is also a section of any settings.
  check?(value: SectionValue<F>, envName: (key: string) => string): string[];
}

/** Declares a module's config section. */
export function defineSection<const N extends string, const F extends Record<string, Setting>>(
  name: N,
  settings: F,
  check?: (value: SectionValue<F>, envName: (key: string) => string) => string[],
): ConfigSection<N, F> {
  return check ? { name, settings, check } : { name, settings };
}

/** A whole number between `min` and `max`, from the environment's text or the file's number. */
export function wholeNumber(min: number, max: number, fallback: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: range }).int(range).min(min, range).max(max, range).default(fallback);
}

/** A yes or no: the file's boolean, or the environment's `true` / `false` (also 1/0, yes/no, on/off). */
export function flag(fallback: boolean) {
  const message = "must be true or false";
  return z.union([z.boolean(), z.stringbool({ error: message })], { error: message }).default(fallback);
}
