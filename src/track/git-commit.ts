import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The commit checked out in the git repository containing `root` (searching parent folders),
 * read from `.git/HEAD`, loose refs and `packed-refs` without running git. Handles `.git` files
 * (worktrees, submodules). Null when `root` is not in a repository or HEAD names no commit yet.
 */
export function detectGitCommit(root: string): string | null {
  const gitDir = findGitDir(resolve(root));
  if (!gitDir) return null;
  const head = readText(join(gitDir, 'HEAD'));
  if (!head) return null;
  if (SHA_RE.test(head)) return head;
  const m = /^ref:\s*(\S+)$/.exec(head);
  if (!m) return null;
  const common = commonDir(gitDir);
  for (const dir of [gitDir, common]) {
    const loose = readText(join(dir, m[1]!));
    if (loose && SHA_RE.test(loose)) return loose;
  }
  return packedRef(common, m[1]!);
}

function findGitDir(start: string): string | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, '.git');
    if (existsSync(candidate)) {
      if (statSync(candidate).isDirectory()) return candidate;
      const pointer = /^gitdir:\s*(.+)$/m.exec(readText(candidate) ?? '');
      if (pointer) {
        const target = pointer[1]!.trim();
        return isAbsolute(target) ? target : resolve(dir, target);
      }
      return null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function commonDir(gitDir: string): string {
  const pointer = readText(join(gitDir, 'commondir'));
  if (!pointer) return gitDir;
  return isAbsolute(pointer) ? pointer : resolve(gitDir, pointer);
}

function packedRef(gitDir: string, ref: string): string | null {
  const packed = readText(join(gitDir, 'packed-refs'));
  if (!packed) return null;
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/);
    if (name === ref && sha && SHA_RE.test(sha)) return sha;
  }
  return null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}
