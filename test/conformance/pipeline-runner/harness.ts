import type { Pipeline, Pipelines } from '../../../src/pipelines/index.js';
import type { ArtifactStore, MetadataStore, StepRunRecord } from '../../../src/storage/index.js';
import type { WatchedClock } from '../../helpers/watched-clock.js';

/** A runner under test, with the stores and clock it runs on. */
export interface RunnerHarness {
  readonly clock: WatchedClock;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  /** The pipelines service whose runner is the one under test. */
  readonly pipelines: Pipelines;
  /** Makes a pipeline (or a new version of it) runnable by the harness's workers. */
  register(pipeline: Pipeline): void;
  close(): Promise<void>;
}

/** Opens a fresh harness; the suite closes it. */
export type OpenHarness = () => Promise<RunnerHarness>;

/** Step records of a run as `name → status`. */
export function statuses(steps: readonly StepRunRecord[]): Record<string, string> {
  return Object.fromEntries(steps.map((s) => [s.step, s.status]));
}

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves when `signal` aborts; never resolves otherwise. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
