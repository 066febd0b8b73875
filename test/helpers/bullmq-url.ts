/** `redis://host:port[/db]` (as in KEEL_TEST_REDIS_URL) as a `bullmq://` URL with a key prefix. */
export function bullmqUrl(redisUrl: string, prefix: string): string {
  return `${redisUrl.replace(/^redis(s?):/, (_, s: string) => (s ? 'bullmq+rediss:' : 'bullmq:'))}?prefix=${prefix}`;
}
