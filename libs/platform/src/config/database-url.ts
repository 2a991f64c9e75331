/**
 * The database settings a machine with password authentication needs, without writing four
 * DATABASE_URLs: DATABASE_HOST, DATABASE_PORT, DATABASE_USER, DATABASE_PASSWORD replace those
 * parts of each service's default URL (its own database name kept), and DATABASE_NAME_PREFIX
 * replaces the `ddp_` of that name (two stacks on one server). A DATABASE_URL wins over all
 * of them. infra/postgres/create-databases.sh and the test helpers read the same names.
 */
export const DATABASE_PARTS = ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_NAME_PREFIX'] as const;

export function databaseUrlFromParts(defaultUrl: string, env: Record<string, string | undefined>): string {
  const url = new URL(defaultUrl);
  if (env.DATABASE_HOST) url.hostname = env.DATABASE_HOST;
  if (env.DATABASE_PORT) url.port = env.DATABASE_PORT;
  if (env.DATABASE_USER) url.username = encodeURIComponent(env.DATABASE_USER);
  if (env.DATABASE_PASSWORD) url.password = encodeURIComponent(env.DATABASE_PASSWORD);
  if (env.DATABASE_NAME_PREFIX) url.pathname = `/${env.DATABASE_NAME_PREFIX}${url.pathname.slice(1).replace(/^ddp_/, '')}`;
  return url.toString();
}
