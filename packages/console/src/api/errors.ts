import { isMessageKey, type Translate } from "../i18n/index.js";
import { ApiError } from "./client.js";

/**
 * The one error handler: an API refusal becomes a translated message, from its
 * `details.reason` when the dictionary knows it, else from its `code`.
 */
export function errorMessage(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.reason) {
      const key = `errors.reason.${error.reason}`;
      if (isMessageKey(key)) return t(key);
    }
    const key = `errors.code.${error.code}`;
    return isMessageKey(key) ? t(key) : t("errors.code.unknown");
  }
  return t("errors.code.unknown");
}
