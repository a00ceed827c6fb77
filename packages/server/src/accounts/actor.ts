import type { Principal } from "../http/principal.js";

/** Who did something, as the account's history records it (`session:alice`, `api_key:ci`). */
export function actor(principal: Principal): string {
  return `${principal.kind}:${principal.name}`;
}
