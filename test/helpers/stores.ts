import { afterEach } from 'vitest';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import { type ArtifactStore, type MetadataStore, openStore } from '../../src/storage/index.js';
import { tempDir } from './tmp.js';

/** Fresh embedded stores for domain tests: in-memory SQLite metadata, a temp artifact folder, a manual clock. */
export interface TestStores {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: ManualClock;
}

/** Returns a function that opens fresh stores, closed after each test. */
export function useTestStores(): () => Promise<TestStores> {
  const root = tempDir();
  const open: TestStores[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await Promise.all([s.metadata.close(), s.artifacts.close()]);
  });
  let n = 0;
  return async () => {
    const clock = new ManualClock();
    const options = { root, log: silentLogger(), clock };
    const stores = {
      metadata: await openStore('metadata', 'sqlite::memory:', options),
      artifacts: await openStore('artifacts', `file:artifacts-${n++}`, options),
      clock,
    };
    open.push(stores);
    return stores;
  };
}
