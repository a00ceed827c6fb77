/**
 * The one way the console calls the JSON API: same origin, the session cookie, the CSRF token
 * echoed on unsafe methods, and every refusal turned into an {@link ApiError} with the API's
 * stable `code` and `details.reason`.
 */

export const API = "/api/v1";

let csrfToken = "";

/** Remembers the session's CSRF token (from sign-in or GET /session). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason: string | undefined,
    readonly details: unknown,
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown };
}

function reasonOf(details: unknown): string | undefined {
  if (details && typeof details === "object" && "reason" in details) {
    const reason = (details as { reason: unknown }).reason;
    return typeof reason === "string" ? reason : undefined;
  }
  return undefined;
}

/**
 * Asks the user to confirm their identity (their password again) and resolves true once the
 * server accepted it, false when they gave up. Registered by the signed-in frame.
 */
export type IdentityConfirmer = () => Promise<boolean>;

let confirmIdentity: IdentityConfirmer | undefined;

/** Sets (or, with undefined, clears) what answers a risk operation's `confirmation_required`. */
export function setIdentityConfirmer(confirmer: IdentityConfirmer | undefined): void {
  confirmIdentity = confirmer;
}

/** Opens the confirmation dialog now (from a page); false when none is mounted or the user gave up. */
export function askIdentityConfirmation(): Promise<boolean> {
  return confirmIdentity ? confirmIdentity() : Promise.resolve(false);
}

/**
 * Calls the API. A risk operation refused for want of a fresh confirmation (403
 * `confirmation_required`) asks the user for their password and, once confirmed, is sent again,
 * once; given up, the refusal is thrown like every other.
 */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await send<T>(method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "confirmation_required" || !confirmIdentity)
      throw error;
    if (!(await confirmIdentity())) throw error;
    return send<T>(method, path, body);
  }
}

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, "network", "the server could not be reached", undefined, undefined, undefined);
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (parsed as ErrorBody | undefined)?.error;
    const code = typeof error?.code === "string" ? error.code : "unknown";
    throw new ApiError(
      response.status,
      code,
      typeof error?.message === "string" ? error.message : response.statusText,
      reasonOf(error?.details),
      error?.details,
      typeof error?.requestId === "string" ? error.requestId : undefined,
    );
  }
  return parsed as T;
}

/** Query string from the defined values. */
export function query(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
