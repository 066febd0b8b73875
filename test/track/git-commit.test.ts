import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectGitCommit } from '../../src/track/index.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir();
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function repo(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('detectGitCommit', () => {
  it('follows HEAD to a loose ref, from the root or a sub-folder', () => {
    const dir = repo('loose', { '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${A}\n` });
    mkdirSync(join(dir, 'src/deep'), { recursive: true });
    expect(detectGitCommit(dir)).toBe(A);
    expect(detectGitCommit(join(dir, 'src/deep'))).toBe(A);
  });

  it('reads packed-refs when the ref is not loose, and detached HEADs', () => {
    const packed = repo('packed', {
      '.git/HEAD': 'ref: refs/heads/release',
      '.git/packed-refs': `# pack-refs with: peeled fully-peeled sorted\n${C} refs/heads/main\n${B} refs/heads/release\n^${C}\n`,
    });
    expect(detectGitCommit(packed)).toBe(B);
    expect(detectGitCommit(repo('detached', { '.git/HEAD': `${C}\n` }))).toBe(C);
  });

  it('follows a .git file (worktree) to its git dir and common dir', () => {
    repo('main-repo', {
      '.git/packed-refs': `${A} refs/heads/feature\n`,
      '.git/worktrees/wt/HEAD': 'ref: refs/heads/feature',
      '.git/worktrees/wt/commondir': '../..',
    });
    const wt = repo('wt', { '.git': `gitdir: ${join(root, 'main-repo/.git/worktrees/wt')}\n` });
    expect(detectGitCommit(wt)).toBe(A);
  });

  it('is null outside a repository or before the first commit', () => {
    expect(detectGitCommit(repo('plain', { 'x.txt': '' }))).toBeNull();
    expect(detectGitCommit(repo('empty-repo', { '.git/HEAD': 'ref: refs/heads/main' }))).toBeNull();
  });
});
