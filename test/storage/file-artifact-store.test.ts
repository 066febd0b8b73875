import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../src/core/index.js';
import { FileArtifactStore } from '../../src/storage/fs/index.js';
import { openStore } from '../../src/storage/index.js';
import { artifactStoreConformance } from '../conformance/artifact-store.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir();
let n = 0;
artifactStoreConformance('file', () =>
  openStore('artifacts', `file:store-${n++}`, { root, log: silentLogger(), clock: systemClock }),
);

describe('file artifact store', () => {
  it('detects corruption on read', async () => {
    const store = await new FileArtifactStore(join(root, 'corrupt')).init();
    const ref = await store.put(Buffer.from('original'));
    writeFileSync(store.localPath(ref.digest), 'tampered');
    await expect(store.get(ref.digest)).rejects.toMatchObject({ code: 'KEEL_ARTIFACT_CORRUPT' });
    await expect(store.getToFile(ref.digest, join(root, 'out.bin'))).rejects.toMatchObject({
      code: 'KEEL_ARTIFACT_CORRUPT',
    });
  });
});
