import { isKeelError, KeelError } from '../../core/index.js';
import type { Registry } from '../../registry/index.js';
import type { ArtifactStore, ModelVersion } from '../../storage/index.js';
import { parseReferenceSnapshot, type ReferenceSnapshot } from './snapshot.js';

/** The version tag that points at a model version's reference snapshot (an artifact digest). */
export const REFERENCE_SNAPSHOT_TAG = 'keel.reference_snapshot';

/** What reference snapshots are stored with: the registry (version tags) and the artifact store (the JSON). */
export interface ReferenceStores {
  readonly registry: Pick<Registry, 'resolve' | 'setTags'>;
  readonly artifacts: ArtifactStore;
}

/**
 * Stores `snapshot` (from `buildReferenceSnapshot` over the training frame) with a model version:
 * the JSON goes to the artifact store (content-addressed) and the version gets the tag
 * `keel.reference_snapshot = <sha256>`. `modelRef` is `name/3`, `name@alias` or `name` (latest).
 * Attaching again replaces the pointer. Returns the version and the digest.
 */
export async function attachReferenceSnapshot(
  stores: ReferenceStores,
  modelRef: string,
  snapshot: ReferenceSnapshot,
): Promise<{ readonly version: ModelVersion; readonly digest: string }> {
  const version = await stores.registry.resolve(modelRef);
  const { digest } = await stores.artifacts.put(Buffer.from(JSON.stringify(snapshot)));
  await stores.registry.setTags(`${version.model}/${version.version}`, { [REFERENCE_SNAPSHOT_TAG]: digest });
  return { version, digest };
}

/**
 * The reference snapshot stored with the version `modelRef` resolves to, or
 * `KEEL_MONITOR_NO_REFERENCE` naming the version when none was attached (or its artifact is gone).
 */
export async function loadReferenceSnapshot(
  stores: ReferenceStores,
  modelRef: string,
): Promise<{ readonly version: ModelVersion; readonly snapshot: ReferenceSnapshot }> {
  const version = await stores.registry.resolve(modelRef);
  const digest = version.tags[REFERENCE_SNAPSHOT_TAG];
  const missing = (why: string, cause?: unknown): KeelError =>
    new KeelError(
      'KEEL_MONITOR_NO_REFERENCE',
      `Model ${version.model} version ${version.version} ${why}. Attach one at registration (attachReferenceSnapshot), or pass --reference <file>.`,
      { details: { model: version.model, version: version.version }, ...(cause ? { cause } : {}) },
    );
  if (!digest) throw missing('has no reference snapshot');
  let bytes: Buffer;
  try {
    bytes = await stores.artifacts.get(digest);
  } catch (error) {
    if (isKeelError(error, 'KEEL_ARTIFACT_NOT_FOUND'))
      throw missing(`points at reference snapshot ${digest}, which the artifact store no longer has`, error);
    throw error;
  }
  return { version, snapshot: parseReferenceSnapshot(bytes.toString('utf8')) };
}
