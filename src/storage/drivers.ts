import { KeelError } from '../core/index.js';
import { bullmqQueueDriver } from './bullmq/index.js';
import type {
  ArtifactStore,
  CacheStore,
  MetadataStore,
  OfflineStore,
  OnlineStore,
  Queue,
  StreamStore,
} from './contracts/index.js';
import type { DriverSpec, OpenStoreOptions } from './driver.js';
import { duckdbOfflineDriver } from './duckdb/offline-driver.js';
import { fileArtifactDriver } from './fs/index.js';
import { memoryCacheDriver, memoryQueueDriver, memoryStreamDriver } from './memory/index.js';
import { natsStreamDriver } from './nats/index.js';
import { postgresMetadataDriver } from './postgres/index.js';
import { redisCacheDriver } from './redis/index.js';
import { redisOnlineDriver } from './redis/online-driver.js';
import { sqliteMetadataDriver } from './sqlite/index.js';
import { sqliteOnlineDriver } from './sqlite/online-driver.js';
import { parseStoreUrl } from './store-url.js';

/** The store type each kind of store opens to. Kinds gain entries as their contracts land. */
export interface StoreTypes {
  metadata: MetadataStore;
  artifacts: ArtifactStore;
  cache: CacheStore;
  stream: StreamStore;
  online: OnlineStore;
  offline: OfflineStore;
  queue: Queue;
}

/** A kind of store, as named in the `stores` section of the config. */
export type StoreKind = keyof StoreTypes;

/** The driver table: every backend Keel knows, per store kind. Read-only at run time. */
export const DRIVERS: { readonly [K in StoreKind]: readonly DriverSpec<StoreTypes[K]>[] } = {
  metadata: [sqliteMetadataDriver, postgresMetadataDriver],
  artifacts: [fileArtifactDriver],
  cache: [memoryCacheDriver, redisCacheDriver],
  stream: [memoryStreamDriver, natsStreamDriver],
  online: [sqliteOnlineDriver, redisOnlineDriver],
  offline: [duckdbOfflineDriver],
  queue: [memoryQueueDriver, bullmqQueueDriver],
};

/** The driver for a URL, or a `KEEL_STORE_UNKNOWN_SCHEME` error listing the known schemes. */
export function driverFor<K extends StoreKind>(
  kind: K,
  scheme: string,
  url: string,
): DriverSpec<StoreTypes[K]> {
  const drivers = DRIVERS[kind] as readonly DriverSpec<StoreTypes[K]>[];
  const driver = drivers.find((d) => d.schemes.includes(scheme));
  if (!driver) {
    const known = drivers.map((d) => `${d.schemes.map((s) => `${s}:`).join(' / ')} (e.g. ${d.example})`);
    throw new KeelError(
      'KEEL_STORE_UNKNOWN_SCHEME',
      `Unknown ${kind} store scheme "${scheme}:" in "${url}". Known: ${known.join('; ')}.`,
      { details: { kind, scheme, known: drivers.flatMap((d) => d.schemes) } },
    );
  }
  return driver;
}

/** Opens the store of `kind` at `url` with the driver its scheme selects. */
export async function openStore<K extends StoreKind>(
  kind: K,
  url: string,
  options: OpenStoreOptions,
): Promise<StoreTypes[K]> {
  const parsed = parseStoreUrl(url, options.root);
  return driverFor(kind, parsed.scheme, parsed.redacted).open(parsed, options);
}
