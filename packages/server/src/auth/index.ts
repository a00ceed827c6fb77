import type { DomainModule, ModuleContext } from "../module.js";
import type { Config } from "../platform/config.js";
import { authJobs } from "./jobs.js";
import type { ScryptCost } from "./password.js";
import { authPolicy } from "./policy.js";
import { AuthRepository } from "./repository.js";
import { authRoutes } from "./routes.js";
import { AuthService, type LoginFreezePolicy } from "./service.js";

export { authConfig } from "./config.js";
export { authMigrations } from "./migrations/index.js";
export type { ScryptCost } from "./password.js";
export { authPolicy } from "./policy.js";
export { AuthRepository } from "./repository.js";
export { API_KEY_PREFIX, AuthService, normalizeUsername } from "./service.js";

/** The login freeze as configured. */
export function loginFreezeOf(config: Config): LoginFreezePolicy {
  return { maxFailures: config.auth.loginMaxFailures, freezeMs: config.auth.loginFreezeMinutes * 60_000 };
}

/**
 * The auth module and its service (which the HTTP edge also uses as its authenticator).
 * The login freeze and the sign-in limits come from the configuration, here and nowhere else.
 */
export function createAuth(
  context: ModuleContext,
  options: { scryptCost?: ScryptCost } = {},
): { module: DomainModule; service: AuthService } {
  const { config } = context;
  const service = new AuthService({
    repository: new AuthRepository(context.db),
    clock: context.clock,
    logger: context.logger,
    loginFreeze: loginFreezeOf(config),
    ...options,
  });
  const module: DomainModule = {
    name: "auth",
    policies: [authPolicy],
    routes: authRoutes(service, {
      secureCookie: config.publicUrl.startsWith("https:"),
      signInLimits: {
        perAddress: { max: config.auth.signInIpLimit, windowMs: config.auth.signInIpWindowMinutes * 60_000 },
        perUsername: {
          max: config.auth.signInUsernameLimit,
          windowMs: config.auth.signInUsernameWindowMinutes * 60_000,
        },
      },
      loginFreeze: {
        maxFailures: config.auth.loginMaxFailures,
        freezeMinutes: config.auth.loginFreezeMinutes,
      },
    }),
    jobs: authJobs(service),
  };
  return { module, service };
}
