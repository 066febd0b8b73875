import { afterEach } from 'vitest';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import { type FeatureRepository, FeatureStore, repositoryFromDefinitions } from '../../src/features/index.js';
import {
  type MetadataStore,
  type OfflineStore,
  type OnlineStore,
  openStore,
} from '../../src/storage/index.js';
import { tempDir } from '../helpers/tmp.js';

/** A feature store on fresh embedded stores (in-memory SQLite registry and online store, DuckDB offline) and a manual clock. */
export interface TestFeatureStore {
  readonly store: FeatureStore;
  readonly metadata: MetadataStore;
  readonly online: OnlineStore;
  readonly offline: OfflineStore;
  readonly clock: ManualClock;
  readonly root: string;
}

/** Returns a function that opens a feature store over `definitions` (applied), closed after each test. */
export function useFeatureStore(): (
  definitions?: readonly unknown[],
  options?: { apply?: boolean; startMs?: number },
) => Promise<TestFeatureStore> {
  const root = tempDir('keel-features-');
  const open: TestFeatureStore[] = [];
  afterEach(async () => {
    for (const s of open.splice(0))
      await Promise.all([s.metadata.close(), s.online.close(), s.offline.close()]);
  });
  return async (definitions = [], options = {}) => {
    const clock = new ManualClock(options.startMs ?? Date.UTC(2024, 0, 10));
    const storeOptions = { root, log: silentLogger(), clock };
    const [metadata, online, offline] = await Promise.all([
      openStore('metadata', 'sqlite::memory:', storeOptions),
      openStore('online', 'sqlite::memory:', storeOptions),
      openStore('offline', 'duckdb::memory:', storeOptions),
    ]);
    const repository: FeatureRepository | undefined =
      definitions.length > 0 ? repositoryFromDefinitions(definitions, root) : undefined;
    const store = new FeatureStore({
      registry: metadata.features,
      online,
      offline,
      clock,
      root,
      actor: 'test',
      ...(repository ? { repository } : {}),
    });
    if (repository && options.apply !== false) await store.apply();
    const opened = { store, metadata, online, offline, clock, root };
    open.push(opened);
    return opened;
  };
}

/** Epoch ms of an ISO time (UTC). */
export const at = (iso: string): number => Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
