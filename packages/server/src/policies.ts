import { accountsPolicy } from "./accounts/policy.js";
import { authPolicy } from "./auth/policy.js";
import { eventsPolicy } from "./callbacks/policy.js";
import { ActionCatalog, type ModulePolicy } from "./platform/policy.js";
import { tokensPolicy } from "./tokens/policy.js";
import { webhooksPolicy } from "./webhooks/policy.js";

/**
 * Every module's policy. A module that offers actions adds its policy here, as it adds its
 * factory to `registry.ts`; a route can only name an action listed by one of them.
 */
export const policies = [authPolicy, accountsPolicy, tokensPolicy, eventsPolicy, webhooksPolicy] as const;

/** Every action's name. */
export type Action = (typeof policies)[number] extends infer P
  ? P extends ModulePolicy<infer A>
    ? A
    : never
  : never;

/** The actions of every policy, checked once at the HTTP edge. */
export const actionCatalog = new ActionCatalog(policies);
