import { expect } from 'vitest';
import type {
  Attribution,
  CreateVersionInput,
  DeploymentSpec,
  MetadataStore,
  ModelSignature,
} from '../../../src/storage/index.js';

/** Opens a store in a fresh namespace; the suite closes it after the test. */
export type OpenFresh = () => Promise<MetadataStore>;

/** 2024-01-01T00:00:00Z, the base of every time in the suite. */
export const T0 = Date.UTC(2024, 0, 1);

/** A small column signature. */
export const SIGNATURE: ModelSignature = {
  kind: 'columns',
  inputs: [
    { name: 'amount', type: 'numeric' },
    { name: 'country', type: 'categorical', levels: ['DE', 'FR'] },
  ],
  outputs: [{ name: 'score', type: 'numeric' }],
  classes: ['0', '1'],
  task: 'binary',
};

/** Attribution at `T0 + dt`. */
export function by(actor = 'alice', reason = 'test', dt = 0): Attribution {
  return { actor, reason, at: T0 + dt };
}

/** A version input with a distinct digest per `n`. */
export function versionInput(n = 1, extra: Partial<CreateVersionInput> = {}): CreateVersionInput {
  return {
    flavor: 'keel-gbdt',
    artifactDigest: n.toString(16).padStart(64, '0'),
    artifactSize: 100 + n,
    signature: SIGNATURE,
    metrics: { auc: 0.9 + n / 1000 },
    lineage: {
      runId: null,
      datasetFingerprints: ['fp1'],
      featureService: null,
      gitCommit: null,
      params: { lr: '0.1' },
    },
    createdAt: T0 + n,
    createdBy: 'alice',
    ...extra,
  };
}

/** A single-variant deployment spec on `ref`. */
export function singleSpec(ref: string): DeploymentSpec {
  return {
    mode: 'single',
    variants: [{ name: 'primary', ref, weight: 100 }],
    stickyKey: null,
    shadow: null,
    featureService: null,
    options: {},
  };
}

/** Asserts that `promise` rejects with a KeelError of `code` and returns it. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
): Promise<Error & { code: string; details: Record<string, unknown> }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toMatchObject({ code });
  return error as Error & { code: string; details: Record<string, unknown> };
}

/** Creates an experiment and returns its id. */
export async function experiment(store: MetadataStore, name = 'exp', dt = 0): Promise<string> {
  return (await store.tracking.createExperiment({ name, createdAt: T0 + dt })).id;
}
