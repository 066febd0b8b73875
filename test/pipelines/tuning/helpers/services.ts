import { silentLogger } from '../../../../src/core/index.js';
import type { TuneJobDeps } from '../../../../src/pipelines/index.js';
import { Registry } from '../../../../src/registry/index.js';
import { Tracking } from '../../../../src/track/index.js';
import { type TestStores, useTestStores } from '../../../helpers/stores.js';
import { DATASETS } from './file-services.js';

export { CRASH_STUDY, DATASETS, fileTuneServices, SMALL_GBDT } from './file-services.js';

/** Tuning services over fresh embedded stores (in-memory SQLite, a temp artifact folder, a manual clock). */
export function useTuneServices(): () => Promise<
  TestStores & { tracking: Tracking; registry: Registry; deps: TuneJobDeps }
> {
  const open = useTestStores();
  return async () => {
    const s = await open();
    const tracking = new Tracking({
      metadata: s.metadata,
      artifacts: s.artifacts,
      clock: s.clock,
      user: 'test',
    });
    const registry = new Registry({
      metadata: s.metadata,
      artifacts: s.artifacts,
      clock: s.clock,
      actor: 'test',
    });
    return {
      ...s,
      tracking,
      registry,
      deps: { tracking, registry, metadata: s.metadata, clock: s.clock, log: silentLogger(), cwd: DATASETS },
    };
  };
}
