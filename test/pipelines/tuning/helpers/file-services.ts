// Vitest-free helpers, so the crash test's child process can import them too.
import { silentLogger, systemClock } from '../../../../src/core/index.js';
import type { TuneJobDeps } from '../../../../src/pipelines/index.js';
import { Registry } from '../../../../src/registry/index.js';
import { openStore } from '../../../../src/storage/index.js';
import { Tracking } from '../../../../src/track/index.js';

/** The fixture datasets folder (relative data paths in these tests resolve from it). */
export const DATASETS = new URL('../../../fixtures/datasets/', import.meta.url).pathname;

/** A small GBDT space (few trees) so a trial takes milliseconds. */
export const SMALL_GBDT = {
  space: {
    learningRate: { type: 'float', low: 0.02, high: 0.5, log: true },
    maxDepth: { type: 'int', low: 2, high: 6 },
    rowSubsample: { type: 'float', low: 0.5, high: 1 },
  },
  fixed: { numTrees: 30, minSamplesLeaf: 5 },
} as const;

/** Tuning services over file-backed stores in `root` (shared by a child process and the test). */
export async function fileTuneServices(root: string) {
  const clock = systemClock;
  const options = { root, log: silentLogger(), clock };
  const metadata = await openStore('metadata', 'sqlite:meta.db', options);
  const artifacts = await openStore('artifacts', 'file:artifacts', options);
  const tracking = new Tracking({ metadata, artifacts, clock, user: 'test' });
  const registry = new Registry({ metadata, artifacts, clock, actor: 'test' });
  const deps: TuneJobDeps = { tracking, registry, metadata, clock, log: silentLogger(), cwd: DATASETS };
  return {
    metadata,
    artifacts,
    tracking,
    registry,
    deps,
    close: () => Promise.all([metadata.close(), artifacts.close()]),
  };
}

/** The crash test's study: 12 trials of TPE + median pruning on breast cancer, in-process. */
export const CRASH_STUDY = {
  data: 'breast_cancer/breast_cancer.csv',
  target: 'target',
  space: SMALL_GBDT,
  trials: 12,
  pruner: 'median',
  split: { method: 'stratified' },
  validationFraction: 0.25,
  seed: 11,
  experiment: 'crash',
  trainFinal: false,
} as const;
