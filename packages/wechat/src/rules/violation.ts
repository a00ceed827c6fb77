import { errmsgFor } from "./errors.js";

/**
 * A request body WeChat would reject: its errcode and errmsg, and where in the body the
 * first problem is (`button[1].sub_button[2].name`; indices from 0; "" is the body itself).
 */
export type Violation = { ok: false; errcode: number; errmsg: string; path: string };

/** The answer of a validator: the typed, normalized body, or the first violation. */
export type Validated<T> = { ok: true; value: T } | Violation;

/** Builds a {@link Violation} with WeChat's errmsg for the code. */
export function violation(errcode: number, path: string): Violation {
  return { ok: false, errcode, errmsg: errmsgFor(errcode), path };
}

const utf8 = new TextEncoder();

/**
 * Length in UTF-8 bytes, the unit of WeChat's size limits (a Chinese character is 3). A
 * TextEncoder rather than Node's Buffer: the console counts bytes with the same function.
 */
export function utf8ByteLength(text: string): number {
  return utf8.encode(text).length;
}

/** Length in Unicode code points, so an emoji counts as one character. */
export function charLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
