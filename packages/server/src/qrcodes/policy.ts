import { definePolicy } from "../platform/policy.js";

/**
 * Parametric QR codes (参数二维码): channel and fission codes, their figures. No existing API-key
 * scope grants these (a key made before this module must not gain new powers): `admin` only.
 */
export const qrcodesPolicy = definePolicy("qrcodes", {
  "qrcodes.read": {
    summary: "See an account's parametric QR codes, their images, daily figures and fission tree",
    scopes: [],
    switch: "qrcodes",
  },
  "qrcodes.manage": {
    summary: "Create channel codes (one or a batch) and fission codes",
    scopes: [],
    switch: "qrcodes",
  },
});

/** This module's actions, by name. */
export type QrCodesAction = keyof typeof qrcodesPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<QrCodesAction, true> {}
}
