import { accountsPolicy } from "../accounts/index.js";
import { authPolicy } from "../auth/index.js";
import { eventsPolicy } from "../callbacks/index.js";
import { ActionCatalog, type Actor } from "../platform/policy.js";
import { tokensPolicy } from "../tokens/index.js";
import { webhooksPolicy } from "../webhooks/index.js";

const catalog = new ActionCatalog([authPolicy, tokensPolicy, accountsPolicy, eventsPolicy, webhooksPolicy]);

/**
 * An actor for tests of services, as the edge makes one for a console administrator: every
 * action, and every account — or only `appIds` when given (what a credential limited to some
 * accounts is).
 */
export function adminActor(appIds?: readonly string[]): Actor {
  return {
    via: "session",
    id: "user-test",
    userId: null,
    name: "test",
    role: "admin",
    actions: catalog.actionsOfRole("admin"),
    reach: appIds === undefined ? { all: true } : { all: false, appIds: new Set(appIds) },
    grants: null,
  };
}
