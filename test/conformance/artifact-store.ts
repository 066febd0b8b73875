import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/tmp.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The artifact-store contract, run by every artifact backend. `open` returns a store in a fresh namespace. */
export function artifactStoreConformance(name: string, open: () => Promise<ArtifactStore>): void {
  describe(`artifact store conformance: ${name}`, () => {
    const dir = tempDir();

    it('stores bytes under their sha256 and reads them back', async () => {
      const store = await open();
      const data = Buffer.from('hello keel');
      const ref = await store.put(data);
      expect(ref).toEqual({ digest: sha(data), size: data.length });
      expect((await store.get(ref.digest)).toString()).toBe('hello keel');
      expect(await store.stat(ref.digest)).toEqual(ref);
    });

    it('is idempotent: the same content twice is one blob', async () => {
      const store = await open();
      const a = await store.put(Buffer.from('same'));
      const b = await store.put(Buffer.from('same'));
      expect(a).toEqual(b);
      const all: string[] = [];
      for await (const r of store.list()) all.push(r.digest);
      expect(all.filter((d) => d === a.digest)).toHaveLength(1);
    });

    it('streams large content without changing it', async () => {
      const store = await open();
      const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
      const whole = Buffer.concat(chunks);
      const ref = await store.putStream(Readable.from(chunks));
      expect(ref).toEqual({ digest: sha(whole), size: whole.length });
      const out = join(dir, 'copy.bin');
      await store.getToFile(ref.digest, out);
      expect(sha(readFileSync(out))).toBe(ref.digest);
    });

    it('stores a local file', async () => {
      const store = await open();
      const file = join(dir, 'model.json');
      writeFileSync(file, '{"trees":[]}');
      const ref = await store.putFile(file);
      expect(ref.digest).toBe(sha(Buffer.from('{"trees":[]}')));
      await expect(store.putFile(join(dir, 'missing.bin'))).rejects.toMatchObject({
        code: 'KEEL_DATA_FILE_NOT_FOUND',
      });
    });

    it('reports unknown digests as not found and deletes idempotently', async () => {
      const store = await open();
      const unknown = 'a'.repeat(64);
      await expect(store.get(unknown)).rejects.toMatchObject({ code: 'KEEL_ARTIFACT_NOT_FOUND' });
      expect(await store.stat(unknown)).toBeNull();
      const ref = await store.put(Buffer.from('to delete'));
      await store.delete(ref.digest);
      await store.delete(ref.digest);
      expect(await store.stat(ref.digest)).toBeNull();
    });

    it('never turns a user string into a path', async () => {
      const store = await open();
      for (const bad of ['../../etc/passwd', '/etc/passwd', 'A'.repeat(64), `${'a'.repeat(63)}/`, '..', '']) {
        await expect(store.get(bad)).rejects.toMatchObject({ code: 'KEEL_ARTIFACT_BAD_PATH' });
        await expect(store.stat(bad)).rejects.toMatchObject({ code: 'KEEL_ARTIFACT_BAD_PATH' });
        await expect(store.delete(bad)).rejects.toMatchObject({ code: 'KEEL_ARTIFACT_BAD_PATH' });
      }
    });
  });
}
