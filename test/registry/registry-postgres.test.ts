import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, randomHex, silentLogger } from '../../src/core/index.js';
import { Registry } from '../../src/registry/index.js';
import { openStore } from '../../src/storage/index.js';
import { dropSchemas, withSchema } from '../helpers/pg-schemas.js';
import { serviceUrl } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const url = serviceUrl('postgres');
const schema = `keel_r_${randomHex(4)}`;

describe.skipIf(!url)('Registry on PostgreSQL', () => {
  afterAll(() => dropSchemas(url!, schema));

  it('registers versions of a brand-new model from parallel writers (two connections) with distinct numbers', async () => {
    const clock = new ManualClock();
    const options = { root: tempDir(), log: silentLogger(), clock };
    const artifacts = await openStore('artifacts', 'file:artifacts', options);
    const stores = await Promise.all(
      [1, 2].map(() => openStore('metadata', withSchema(url!, schema), options)),
    );
    const registries = stores.map(
      (metadata, i) => new Registry({ metadata, artifacts, clock, actor: `writer-${i}` }),
    );
    const signature = { kind: 'columns' as const, inputs: [], outputs: [] };
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        registries[i % 2]!.register({
          model: 'race',
          content: Buffer.from(`m${i}`),
          flavor: 'onnx',
          signature,
        }),
      ),
    );
    expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect((await registries[0]!.getModel('race')).latestVersion).toBe(12);
    await Promise.all([...stores.map((s) => s.close()), artifacts.close()]);
  });
});
