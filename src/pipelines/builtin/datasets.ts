import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, KeelError } from '../../core/index.js';
import { fingerprint, readFrame, writeFrame } from '../../data/index.js';
import type { StepArtifact } from '../../storage/index.js';
import type { StepContext } from '../step.js';

/** A dataset passed between built-in steps: a Parquet blob and what identifies it. */
export interface DatasetRef {
  readonly kind: 'dataset';
  readonly artifact: StepArtifact;
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** Schema-and-content fingerprint (the data module's), used for lineage. */
  readonly fingerprint: string;
  /** Where it came from (a path, a table URL, a feature service), informational. */
  readonly source: string;
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'keel-step-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Stores a frame as Parquet under `name` and returns its reference. */
export async function saveDataset(
  ctx: StepContext,
  frame: Frame,
  name: string,
  source: string,
): Promise<DatasetRef> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'data.parquet');
    await writeFrame(frame, file, { format: 'parquet' });
    const artifact = await ctx.artifacts.save(name, { file });
    return {
      kind: 'dataset',
      artifact,
      rows: frame.rowCount,
      columns: frame.schema.fields.map((f) => ({ name: f.name, type: f.type })),
      fingerprint: fingerprint(frame),
      source,
    };
  });
}

/** Reads a dataset reference back into a frame; `KEEL_PIPELINE_INVALID` when `value` is not one. */
export async function loadDataset(ctx: StepContext, value: unknown, input: string): Promise<Frame> {
  const ref = asDataset(value, ctx.step, input);
  return withTempDir(async (dir) => {
    const file = join(dir, 'data.parquet');
    await ctx.artifacts.readToFile(ref.artifact, file);
    return readFrame(file);
  });
}

/** Checks that an input is a dataset reference (the result of ingest, validate or training-set). */
export function asDataset(value: unknown, step: string, input: string): DatasetRef {
  const v = value as Partial<DatasetRef> | null;
  if (v?.kind !== 'dataset' || typeof v.artifact?.digest !== 'string') {
    throw new KeelError(
      'KEEL_PIPELINE_INVALID',
      `Step "${step}" input "${input}" must be a dataset (the result of an ingest, validate or training-set step).`,
      { details: { step, input } },
    );
  }
  return v as DatasetRef;
}
