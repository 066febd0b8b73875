import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KeelError } from '../../core/index.js';
import type { ArtifactRef, ArtifactStore } from '../contracts/index.js';

const DIGEST_RE = /^[0-9a-f]{64}$/;

/** Throws `KEEL_ARTIFACT_BAD_PATH` unless `digest` is 64 lower-case hex characters: only then may it become a path. */
export function assertDigest(digest: string): void {
  if (!DIGEST_RE.test(digest)) {
    throw new KeelError(
      'KEEL_ARTIFACT_BAD_PATH',
      `"${digest.slice(0, 80)}" is not a sha256 digest (64 lower-case hex).`,
      {
        details: { digest: digest.slice(0, 80) },
      },
    );
  }
}

/**
 * Artifacts in a local folder, one file per blob at `<root>/<aa>/<digest>` (the first two hex
 * characters fan out the folders). Writes go to a temp file in `<root>/tmp`, are fsynced, then
 * renamed into place, so a crash never leaves a partial blob under a digest.
 */
export class FileArtifactStore implements ArtifactStore {
  readonly backend = 'file';
  readonly capabilities = { localFiles: true } as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Creates the folder layout. */
  async init(): Promise<this> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    return this;
  }

  /** The local path of a blob (for runtimes that need a file, e.g. ONNX). The digest is validated first. */
  localPath(digest: string): string {
    assertDigest(digest);
    return join(this.root, digest.slice(0, 2), digest);
  }

  async put(data: Uint8Array): Promise<ArtifactRef> {
    return this.putStream(Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  }

  async putFile(path: string): Promise<ArtifactRef> {
    try {
      await stat(path);
    } catch (error) {
      throw new KeelError('KEEL_DATA_FILE_NOT_FOUND', `File ${path} does not exist.`, {
        cause: error,
        details: { path },
      });
    }
    return this.putStream(createReadStream(path));
  }

  async putStream(data: Readable | AsyncIterable<Uint8Array>): Promise<ArtifactRef> {
    const tmp = join(this.root, 'tmp', `${randomBytes(12).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const source = data instanceof Readable ? data : Readable.from(data);
    const out = createWriteStream(tmp, { flags: 'wx' });
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer | Uint8Array>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.byteLength;
            yield chunk;
          }
        },
        out,
      );
      await fsyncPath(tmp);
      const digest = hash.digest('hex');
      const target = this.localPath(digest);
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
      return { digest, size };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(digest: string): Promise<Buffer> {
    const path = this.localPath(digest);
    let buf: Buffer;
    try {
      buf = await readFile(path);
    } catch (error) {
      throw notFound(digest, error);
    }
    const actual = createHash('sha256').update(buf).digest('hex');
    if (actual !== digest) throw corrupt(digest, actual);
    return buf;
  }

  async getToFile(digest: string, path: string): Promise<void> {
    const source = this.localPath(digest);
    try {
      await stat(source);
    } catch (error) {
      throw notFound(digest, error);
    }
    const tmp = `${path}.${randomBytes(6).toString('hex')}.part`;
    const hash = createHash('sha256');
    await mkdir(dirname(path), { recursive: true });
    try {
      await pipeline(
        createReadStream(source),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
      const actual = hash.digest('hex');
      if (actual !== digest) throw corrupt(digest, actual);
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async stat(digest: string): Promise<ArtifactRef | null> {
    try {
      const s = await stat(this.localPath(digest));
      return { digest, size: s.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(digest: string): Promise<void> {
    await rm(this.localPath(digest), { force: true });
  }

  async *list(): AsyncIterable<ArtifactRef> {
    for (const fan of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(fan)) continue;
      for (const name of await readdir(join(this.root, fan))) {
        if (!DIGEST_RE.test(name)) continue;
        const s = await stat(join(this.root, fan, name));
        yield { digest: name, size: s.size };
      }
    }
  }

  async close(): Promise<void> {}
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function notFound(digest: string, cause: unknown): KeelError {
  return new KeelError('KEEL_ARTIFACT_NOT_FOUND', `Artifact ${digest} is not in the artifact store.`, {
    cause,
    details: { digest },
  });
}

function corrupt(digest: string, actual: string): KeelError {
  return new KeelError(
    'KEEL_ARTIFACT_CORRUPT',
    `Artifact ${digest} is corrupt: its content hashes to ${actual}.`,
    {
      details: { digest, actual },
    },
  );
}
