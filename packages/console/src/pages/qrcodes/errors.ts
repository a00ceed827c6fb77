import { ApiError } from "../../api/client.js";
import { detailVars, errorMessage } from "../../api/errors.js";
import { type QrTranslate, qrReason } from "../../i18n/qrcodes.js";

/** A refusal in this screen's words when it names one of the QR codes' reasons, else the console's. */
export function qrErrorMessage(t: QrTranslate, error: unknown): string {
  if (error instanceof ApiError) {
    const own = qrReason(t, error.reason, detailVars(error.details));
    if (own) return own;
  }
  return errorMessage(t, error);
}
