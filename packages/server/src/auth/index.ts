import type { DomainModule, ModuleContext } from "../module.js";
import type { ScryptCost } from "./password.js";
import { AuthRepository } from "./repository.js";
import { authRoutes } from "./routes.js";
import { AuthService, type LoginFreezePolicy } from "./service.js";

export { AuthRepository } from "./repository.js";
export { API_KEY_PREFIX, AuthService } from "./service.js";

/** The auth module and its service (which the HTTP edge also uses as its authenticator). */
export function createAuth(
  context: ModuleContext,
  options: { scryptCost?: ScryptCost; loginFreeze?: LoginFreezePolicy } = {},
): { module: DomainModule; service: AuthService } {
  const service = new AuthService({
    repository: new AuthRepository(context.db),
    clock: context.clock,
    logger: context.logger,
    ...options,
  });
  const module: DomainModule = {
    name: "auth",
    routes: authRoutes(service, { secureCookie: context.config.publicUrl.startsWith("https:") }),
    jobs: {
      "auth.purge-sessions": async () => {
        await service.purgeExpiredSessions();
      },
    },
  };
  return { module, service };
}
