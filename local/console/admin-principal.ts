/**
 * The admin principal the console sends on admin calls (redrive). Stand-in until the local
 * system names its own (`system.adminPrincipal`, from the admin-route check): the same constant
 * and environment variable, so the two agree.
 */

/** The principal admin routes accept locally unless configured otherwise. */
export const DEFAULT_LOCAL_ADMIN_PRINCIPAL = 'local-admin';

/** Overrides {@link DEFAULT_LOCAL_ADMIN_PRINCIPAL}. */
export const LOCAL_ADMIN_ENV = 'ASYNC_ENDPOINTS_LOCAL_ADMIN';

/**
 * The admin principal from the environment, or the default.
 * @default DEFAULT_LOCAL_ADMIN_PRINCIPAL
 */
export function localAdminPrincipal(env: NodeJS.ProcessEnv = process.env): string {
  return env[LOCAL_ADMIN_ENV]?.trim() || DEFAULT_LOCAL_ADMIN_PRINCIPAL;
}
