import type { ArtifactStore, Run, RunArtifact } from '../../storage/index.js';

/** The artifact `keel train` logs: a JSON array of `{ name, gain, splits }`, one per feature. */
export const FEATURE_IMPORTANCE_ARTIFACT = 'feature_importance.json';

/** Largest importance file read, in bytes. */
const MAX_BYTES = 4 * 1024 * 1024;

/** One feature's importance. */
export interface FeatureImportanceRow {
  readonly name: string;
  readonly gain: number;
  readonly splits: number;
}

/** What the run detail says about feature importance: the rows, or why they could not be read. */
export type FeatureImportanceView =
  | { readonly path: string; readonly features: readonly FeatureImportanceRow[] }
  | { readonly path: string; readonly error: string };

/** The run's importance artifact: `feature_importance.json` at the top, else the first one in a folder. */
export function findImportanceArtifact(run: Run): RunArtifact | null {
  return (
    run.artifacts.find((a) => a.path === FEATURE_IMPORTANCE_ARTIFACT) ??
    run.artifacts.find((a) => a.path.endsWith(`/${FEATURE_IMPORTANCE_ARTIFACT}`)) ??
    null
  );
}

/** Reads and checks a run's feature importance; null when the run logged none. */
export async function readFeatureImportance(
  run: Run,
  artifacts: ArtifactStore,
): Promise<FeatureImportanceView | null> {
  const artifact = findImportanceArtifact(run);
  if (!artifact) return null;
  const path = artifact.path;
  if (artifact.size > MAX_BYTES) return { path, error: `the file is larger than ${MAX_BYTES} bytes` };
  let parsed: unknown;
  try {
    parsed = JSON.parse((await artifacts.get(artifact.digest)).toString('utf8'));
  } catch (error) {
    return { path, error: `it could not be read as JSON (${(error as Error).message})` };
  }
  const problem = importanceProblem(parsed);
  if (problem) return { path, error: problem };
  return { path, features: parsed as FeatureImportanceRow[] };
}

function importanceProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'it is not a JSON array of { name, gain, splits }';
  for (let i = 0; i < value.length; i++) {
    const row = value[i] as Record<string, unknown> | null;
    const ok =
      typeof row === 'object' &&
      row !== null &&
      typeof row.name === 'string' &&
      typeof row.gain === 'number' &&
      Number.isFinite(row.gain) &&
      typeof row.splits === 'number' &&
      Number.isFinite(row.splits);
    if (!ok) return `entry ${i} is not { name: string, gain: number, splits: number }`;
  }
  return null;
}
