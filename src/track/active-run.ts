import { type Clock, KeelError } from '../core/index.js';
import {
  type ArtifactStore,
  assertArtifactPath,
  type MetadataStore,
  type Run,
  type RunArtifact,
  type RunStatus,
} from '../storage/index.js';
import { assertTrackingKey, assertTrackingValue } from './tracking-names.js';

/** A param value as given; numbers and booleans are stored as their string form. */
export type ParamValue = string | number | boolean;

/** A dataset a run read (see `RunInput`); `context` defaults to `training`. */
export interface LogInputOptions {
  readonly fingerprint: string;
  readonly name: string;
  readonly source?: string | null;
  readonly context?: string;
  readonly rowCount?: number | null;
}

/** Content for `logArtifact`: bytes, or a local file streamed into the artifact store. */
export type ArtifactContent = Uint8Array | { readonly file: string };

/** What an active run needs from its service. */
export interface ActiveRunDeps {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: Clock;
}

/**
 * A run being logged to, as MLflow's active run: params (immutable), metrics with steps, tags,
 * inputs and artifacts, until `end`. Every call writes through to the metadata store; after
 * `end` they fail with `KEEL_TRACK_RUN_NOT_ACTIVE`.
 */
export class ActiveRun {
  readonly id: string;
  readonly experimentId: string;
  readonly name: string;
  private readonly deps: ActiveRunDeps;
  private ended = false;

  constructor(run: Run, deps: ActiveRunDeps) {
    this.id = run.id;
    this.experimentId = run.experimentId;
    this.name = run.name;
    this.deps = deps;
  }

  /** True once `end` was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Logs one param; see `logParams`. */
  logParam(key: string, value: ParamValue): Promise<void> {
    return this.logParams({ [key]: value });
  }

  /** Logs params in one batch; a changed value fails with `KEEL_TRACK_PARAM_CONFLICT` and writes nothing. */
  async logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
    this.assertActive();
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      assertTrackingKey('param', k);
      values[k] = String(v);
      assertTrackingValue('param', k, values[k]);
    }
    await this.deps.metadata.tracking.logParams(this.id, values);
  }

  /** Logs one metric value at `step` (default 0), timestamped by the clock. */
  logMetric(key: string, value: number, step = 0): Promise<void> {
    return this.logMetrics({ [key]: value }, step);
  }

  /** Logs several metric values at the same `step` (default 0). */
  async logMetrics(values: Readonly<Record<string, number>>, step = 0): Promise<void> {
    this.assertActive();
    const timestamp = this.deps.clock.now();
    const points = Object.entries(values).map(([key, value]) => {
      assertTrackingKey('metric', key);
      if (typeof value !== 'number') {
        throw new KeelError(
          'KEEL_INVALID_ARGUMENT',
          `Metric "${key}" must be a number, got ${typeof value}.`,
          { details: { key } },
        );
      }
      return { key, value, step, timestamp };
    });
    await this.deps.metadata.tracking.logMetrics(this.id, points);
  }

  /** Sets one tag. */
  setTag(key: string, value: string): Promise<void> {
    return this.setTags({ [key]: value });
  }

  /** Sets (or overwrites) tags. */
  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    this.assertActive();
    for (const [k, v] of Object.entries(tags)) {
      assertTrackingKey('tag', k);
      assertTrackingValue('tag', k, String(v));
    }
    await this.deps.metadata.tracking.setRunTags(this.id, tags);
  }

  /** Records a dataset the run read; the same fingerprint and context twice is kept once. */
  async logInput(input: LogInputOptions): Promise<void> {
    this.assertActive();
    await this.deps.metadata.tracking.logInputs(this.id, [
      {
        fingerprint: input.fingerprint,
        name: input.name,
        source: input.source ?? null,
        context: input.context ?? 'training',
        rowCount: input.rowCount ?? null,
      },
    ]);
  }

  /**
   * Stores content in the artifact store and records it under `path` (relative, `/`-separated;
   * `KEEL_ARTIFACT_BAD_PATH` otherwise). Logging the same path again replaces the entry.
   */
  async logArtifact(path: string, content: ArtifactContent): Promise<RunArtifact> {
    this.assertActive();
    assertArtifactPath(path);
    const ref =
      content instanceof Uint8Array
        ? await this.deps.artifacts.put(content)
        : await this.deps.artifacts.putFile(content.file);
    const artifact = { path, digest: ref.digest, size: ref.size };
    await this.deps.metadata.tracking.logArtifact(this.id, artifact);
    return artifact;
  }

  /** The run as stored now, with everything logged so far. */
  info(): Promise<Run> {
    return this.deps.metadata.tracking.getRun(this.id);
  }

  /** Ends the run with `status` (default FINISHED) at the clock's time; ending twice fails. */
  async end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'> = 'FINISHED'): Promise<Run> {
    this.assertActive();
    this.ended = true;
    return this.deps.metadata.tracking.updateRun(this.id, { status, endTime: this.deps.clock.now() });
  }

  private assertActive(): void {
    if (this.ended) {
      throw new KeelError(
        'KEEL_TRACK_RUN_NOT_ACTIVE',
        `Run ${this.id} (${this.name}) has ended; start a new run to log more.`,
        {
          details: { runId: this.id },
        },
      );
    }
  }
}
