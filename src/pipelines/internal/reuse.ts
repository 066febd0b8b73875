import type { Logger } from '../../core/index.js';
import type {
  ArtifactStore,
  MetadataStore,
  PipelineRunRecord,
  StepArtifact,
  StepRunRecord,
  StepStatus,
} from '../../storage/index.js';
import type { Tracking } from '../../track/index.js';
import type { RunParams } from '../params.js';
import type { Pipeline } from '../pipeline.js';
import { PIPELINE_TAGS, trackedParams } from './tracked-runs.js';

/** A previous run whose successful steps a resumed run may reuse. */
export interface PriorRun {
  readonly run: PipelineRunRecord;
  readonly steps: ReadonlyMap<string, StepRunRecord>;
}

/** What reusing a stored result needs from the run loop. */
export interface ReuseContext {
  readonly pipeline: Pipeline;
  readonly run: PipelineRunRecord;
  readonly params: RunParams;
  readonly prior: PriorRun | null;
  readonly cache: boolean;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: { now(): number };
  readonly log: Logger;
  readonly tracking: Tracking;
  readonly worker: string;
}

const OK: readonly StepStatus[] = ['SUCCEEDED', 'CACHED'];

/** A stored result that can stand in for running a step. */
export interface Reusable {
  readonly from: string;
  readonly outputDigest: string;
  readonly outputSize: number;
  readonly artifacts: readonly StepArtifact[];
}

/** The resumed run's result for this step, else the cache's — only when every blob still exists. */
export async function findReusable(input: ReuseContext, name: string, key: string): Promise<Reusable | null> {
  const exists = async (digests: readonly string[]) =>
    (await Promise.all(digests.map((d) => input.artifacts.stat(d)))).every((s) => s !== null);
  const prior = input.prior?.steps.get(name);
  if (prior && OK.includes(prior.status) && prior.cacheKey === key && prior.outputDigest) {
    if (await exists([prior.outputDigest, ...prior.artifacts.map((a) => a.digest)])) {
      return {
        from: prior.cachedFrom ?? prior.runId,
        outputDigest: prior.outputDigest,
        outputSize: prior.outputSize ?? 0,
        artifacts: prior.artifacts,
      };
    }
  }
  const step = input.pipeline.steps.get(name)!;
  if (!input.cache || !step.cache) return null;
  const entry = await input.metadata.pipelines.findCache(key);
  if (!entry) return null;
  if (await exists([entry.outputDigest, ...entry.artifacts.map((a) => a.digest)])) {
    return {
      from: entry.runId,
      outputDigest: entry.outputDigest,
      outputSize: entry.outputSize,
      artifacts: entry.artifacts,
    };
  }
  input.log.info(
    { pipeline: input.pipeline.name, step: name, key },
    'cached result was deleted from the artifact store; running the step',
  );
  await input.metadata.pipelines.deleteCache(key);
  return null;
}

export async function recordReuse(
  input: ReuseContext,
  name: string,
  cacheKey: string,
  r: Reusable,
): Promise<void> {
  // The tracked run and the step's record commit together.
  await input.metadata.transaction(() => writeReuse(input, name, cacheKey, r));
}

async function writeReuse(input: ReuseContext, name: string, cacheKey: string, r: Reusable): Promise<void> {
  const { pipeline, run } = input;
  const tracked = await input.tracking.startRun({
    experiment: pipeline.experiment,
    name,
    ...(run.trackingRunId ? { parent: run.trackingRunId } : {}),
    tags: {
      [PIPELINE_TAGS.pipeline]: pipeline.name,
      [PIPELINE_TAGS.run]: run.id,
      [PIPELINE_TAGS.step]: name,
      [PIPELINE_TAGS.cacheHit]: 'true',
      [PIPELINE_TAGS.cachedFrom]: r.from,
    },
    params: trackedParams(input.params[name] ?? {}),
  });
  await input.metadata.tracking.logArtifact(tracked.id, {
    path: 'output.json',
    digest: r.outputDigest,
    size: r.outputSize,
  });
  for (const a of r.artifacts) {
    await input.metadata.tracking.logArtifact(tracked.id, {
      path: `artifacts/${a.name}`,
      digest: a.digest,
      size: a.size,
    });
  }
  await tracked.end('FINISHED');
  await input.metadata.pipelines.completeStep(run.id, name, {
    status: 'CACHED',
    endedAt: input.clock.now(),
    cacheKey,
    cacheHit: true,
    cachedFrom: r.from,
    outputDigest: r.outputDigest,
    outputSize: r.outputSize,
    artifacts: r.artifacts,
    trackingRunId: tracked.id,
    worker: input.worker,
  });
}
