import type { Clock, Logger } from '../../core/index.js';
import {
  type ArtifactStore,
  assertArtifactPath,
  type MetadataStore,
  type StepArtifact,
} from '../../storage/index.js';
import type { ActiveRun } from '../../track/index.js';
import type { StepArtifacts, StepContext, StepServices } from '../step.js';

/** What a step context is built from. */
export interface StepContextParts {
  readonly pipeline: string;
  readonly experiment: string;
  readonly runId: string;
  readonly step: string;
  readonly attempt: number;
  readonly log: Logger;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly tracked: ActiveRun;
  readonly root: string;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly services: StepServices;
}

/** A step context; `saved` collects the artifacts the step stores during this attempt. */
export function createStepContext(parts: StepContextParts, saved: StepArtifact[]): StepContext {
  const digestOf = (ref: string | { readonly digest: string }) =>
    typeof ref === 'string' ? ref : ref.digest;
  const artifacts: StepArtifacts = {
    async save(name, content) {
      assertArtifactPath(name);
      const ref =
        content instanceof Uint8Array
          ? await parts.artifacts.put(content)
          : await parts.artifacts.putFile(content.file);
      const artifact = { name, digest: ref.digest, size: ref.size };
      const i = saved.findIndex((a) => a.name === name);
      if (i >= 0) saved.splice(i, 1, artifact);
      else saved.push(artifact);
      await parts.metadata.tracking.logArtifact(parts.tracked.id, {
        path: `artifacts/${name}`,
        digest: ref.digest,
        size: ref.size,
      });
      return artifact;
    },
    read: (ref) => parts.artifacts.get(digestOf(ref)),
    readToFile: (ref, path) => parts.artifacts.getToFile(digestOf(ref), path),
  };
  return {
    pipeline: parts.pipeline,
    experiment: parts.experiment,
    runId: parts.runId,
    step: parts.step,
    attempt: parts.attempt,
    log: parts.log,
    clock: parts.clock,
    signal: parts.signal,
    artifacts,
    run: parts.tracked,
    root: parts.root,
    stores: { metadata: parts.metadata, artifacts: parts.artifacts },
    services: parts.services,
  };
}
