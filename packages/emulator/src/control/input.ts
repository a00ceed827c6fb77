import { ControlError } from "../http/control-route.js";

/** Small readers for control API bodies: each refuses a wrong type with 400, naming the field. */
export function optString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ControlError(400, `${key} must be a string`);
  return value;
}

export function optNumber(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ControlError(400, `${key} must be a number`);
  return value;
}

export function optBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new ControlError(400, `${key} must be a boolean`);
  return value;
}

export function optStrings(body: Record<string, unknown>, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new ControlError(400, `${key} must be a list of strings`);
  }
  return value;
}

export function optOneOf<T extends string | number>(
  body: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!allowed.includes(value as T))
    throw new ControlError(400, `${key} must be one of ${allowed.join(", ")}`);
  return value as T;
}

export function optObject(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw new ControlError(400, `${key} must be an object`);
  return value as Record<string, unknown>;
}

/** Removes undefined values, so optional inputs stay absent rather than `undefined`. */
export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
