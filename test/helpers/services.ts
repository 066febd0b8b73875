/**
 * URLs of the scale-out services for backend tests. `.ci/run` sets them (and
 * KEEL_TEST_REQUIRE_SERVICES=1), so CI never skips; on a laptop without the services the
 * tests skip and say so once.
 */
export const SERVICE_URLS = {
  postgres: process.env.KEEL_TEST_POSTGRES_URL,
  redis: process.env.KEEL_TEST_REDIS_URL,
  nats: process.env.KEEL_TEST_NATS_URL,
} as const;

const warned = new Set<string>();

/** The URL for `service`, or undefined after printing why the tests that need it are skipped. */
export function serviceUrl(service: keyof typeof SERVICE_URLS): string | undefined {
  const url = SERVICE_URLS[service];
  const name = `KEEL_TEST_${service.toUpperCase()}_URL`;
  if (!url && process.env.KEEL_TEST_REQUIRE_SERVICES === '1') {
    throw new Error(
      `${name} must be set when KEEL_TEST_REQUIRE_SERVICES=1 (CI must not skip ${service} tests).`,
    );
  }
  if (!url && !warned.has(service)) {
    warned.add(service);
    process.stderr.write(
      `[keel tests] ${name} is not set: skipping ${service} backend tests (CI sets it).\n`,
    );
  }
  return url;
}
