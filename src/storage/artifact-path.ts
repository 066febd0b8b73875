import { KeelError } from '../core/index.js';

/**
 * Throws `KEEL_ARTIFACT_BAD_PATH` unless `path` is a safe logical artifact path: relative,
 * `/`-separated, non-empty segments, no `.` or `..` segment, no backslash, no NUL or control
 * characters, no drive letter (`C:`), no leading `/`, at most 1024 characters.
 */
export function assertArtifactPath(path: string): void {
  const problem = artifactPathProblem(path);
  if (problem) {
    const shown = JSON.stringify(String(path).slice(0, 200));
    throw new KeelError(
      'KEEL_ARTIFACT_BAD_PATH',
      `Artifact path ${shown} is not allowed: ${problem}. Use a relative path such as "model/model.bin".`,
      { details: { path: String(path).slice(0, 200), problem } },
    );
  }
}

/** Why `path` is not a safe artifact path, or null when it is. */
export function artifactPathProblem(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'it is empty';
  if (path.length > 1024) return 'it is longer than 1024 characters';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it contains a NUL or control character';
  if (path.includes('\\')) return 'it contains a backslash (use / as the separator)';
  if (path.startsWith('/')) return 'it is absolute (starts with /)';
  if (/^[A-Za-z]:/.test(path)) return 'it starts with a drive letter';
  for (const segment of path.split('/')) {
    if (segment === '') return 'it has an empty segment (// or a trailing /)';
    if (segment === '..') return 'it contains ".."';
    if (segment === '.') return 'it contains "."';
  }
  return null;
}
