import { describe, expect, it } from 'vitest';
import { artifactPathProblem, assertArtifactPath } from '../../src/storage/index.js';

describe('artifact paths', () => {
  it.each(['model.bin', 'model/model.bin', 'reports/2024-01-01/drift.html', 'a b/c.d', '.hidden/x', 'a..b'])(
    'accepts %j',
    (p) => {
      expect(artifactPathProblem(p)).toBeNull();
      expect(() => assertArtifactPath(p)).not.toThrow();
    },
  );

  it.each([
    ['', 'empty'],
    ['../secret', '".."'],
    ['a/../../b', '".."'],
    ['./a', '"."'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows', 'drive letter'],
    ['c:x', 'drive letter'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'NUL'],
    ['a\nb', 'control'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['x'.repeat(1025), 'longer than 1024'],
  ])('rejects %j (%s)', (p, why) => {
    expect(artifactPathProblem(p)).toContain(why);
    expect(() => assertArtifactPath(p)).toThrow(expect.objectContaining({ code: 'KEEL_ARTIFACT_BAD_PATH' }));
  });
});
