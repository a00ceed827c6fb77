import { ApiError } from "../../api/client.js";
import { errorMessage } from "../../api/errors.js";
import { type QrTranslate, qrReason } from "../../i18n/qrcodes.js";

/** The refusal's plain details (`{limit}`, `{errcode}`), for the message's blanks. */
function varsOf(details: unknown): Record<string, string | number> {
  const vars: Record<string, string | number> = {};
  if (details && typeof details === "object") {
    for (const [name, value] of Object.entries(details)) {
      if (typeof value === "string" || typeof value === "number") vars[name] = value;
    }
  }
  return vars;
}

/** A refusal in this screen's words when it names one of the QR codes' reasons, else the console's. */
export function qrErrorMessage(t: QrTranslate, error: unknown): string {
  if (error instanceof ApiError) {
    const own = qrReason(t, error.reason, varsOf(error.details));
    if (own) return own;
  }
  return errorMessage(t, error);
}
