import { isMessageKey, type Translate } from "../i18n/index.js";
import { ApiError } from "./client.js";

/** The refusal's details a message may name (`{limit}`, `{action}`): its plain values only. */
export function detailVars(details: unknown): Record<string, string | number> {
  const vars: Record<string, string | number> = {};
  if (details && typeof details === "object") {
    for (const [name, value] of Object.entries(details)) {
      if (typeof value === "string" || typeof value === "number") vars[name] = value;
    }
  }
  return vars;
}

/**
 * The one error handler: an API refusal becomes a translated message, from its
 * `details.reason` when the dictionary knows it, else from its `code`; the refusal's details
 * fill the message's blanks (the limit reached, say).
 */
export function errorMessage(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    const vars = detailVars(error.details);
    if (error.reason) {
      const key = `errors.reason.${error.reason}`;
      if (isMessageKey(key)) return t(key, vars);
    }
    const key = `errors.code.${error.code}`;
    return isMessageKey(key) ? t(key, vars) : t("errors.code.unknown");
  }
  return t("errors.code.unknown");
}
