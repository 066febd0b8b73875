import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filePipelineResolver, loadPipelineFile } from '../../src/pipelines/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('keel-pipeline-file-');
// Import the two files a pipeline needs, not the whole module graph (jiti transpiles what it loads).
const PIPELINE_TS = join(import.meta.dirname, '../../src/pipelines/pipeline.ts');
const STEP_TS = join(import.meta.dirname, '../../src/pipelines/step.ts');

describe('pipeline files', () => {
  it('loads TypeScript (definePipeline or plain options) and YAML, recording the absolute source', async () => {
    writeFileSync(
      join(dir, 'typed.ts'),
      `import { definePipeline } from ${JSON.stringify(PIPELINE_TS)};
import { step } from ${JSON.stringify(STEP_TS)};
const a = step({ name: 'a', params: { n: 2 }, run: async (_i, p) => p.n * 2 });
export default definePipeline({ name: 'typed', steps: [a, step({ name: 'b', inputs: { a }, run: async ({ a: v }) => v + 1 })] });
`,
    );
    writeFileSync(
      join(dir, 'plain.mjs'),
      "export const pipeline = { name: 'plain', steps: [{ name: 'x', run: async () => 1 }] };\n",
    );
    writeFileSync(
      join(dir, 'built.yaml'),
      'name: built\nsteps:\n  - { name: load, uses: ingest, params: { source: x.csv } }\n',
    );
    const typed = await loadPipelineFile('typed.ts', dir);
    expect(typed).toMatchObject({ name: 'typed', order: ['a', 'b'], source: join(dir, 'typed.ts') });
    expect((await loadPipelineFile(join(dir, 'plain.mjs'), '/')).source).toBe(join(dir, 'plain.mjs'));
    expect((await loadPipelineFile('built.yaml', dir)).steps.get('load')?.builtin).toBe('ingest');
    // Loading the same file twice gives the same digest (workers check it against the run's).
    expect((await loadPipelineFile('typed.ts', dir)).digest).toBe(typed.digest);
    const resolve = filePipelineResolver(dir);
    expect(
      (await resolve({ pipeline: 'typed', source: join(dir, 'typed.ts'), digest: typed.digest })).digest,
    ).toBe(typed.digest);
    await expect(resolve({ pipeline: 'typed', source: null, digest: typed.digest })).rejects.toMatchObject({
      code: 'KEEL_PIPELINE_INVALID',
    });
  });

  it('names the file when it is missing, not a pipeline, or fails to load', async () => {
    writeFileSync(join(dir, 'empty.ts'), 'export const x = 1;\n');
    writeFileSync(join(dir, 'broken.ts'), 'export default {{;\n');
    writeFileSync(join(dir, 'notes.txt'), 'hi\n');
    for (const [file, text] of [
      ['nope.ts', 'does not exist'],
      ['empty.ts', 'must export a pipeline'],
      ['broken.ts', 'Could not load pipeline file'],
      ['notes.txt', 'must be TypeScript/JavaScript'],
    ] as const) {
      const error = await loadPipelineFile(file, dir).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error?.code).toBe('KEEL_PIPELINE_INVALID');
      expect(error?.message).toContain(text);
      expect(error?.message).toContain(join(dir, file));
    }
  });
});
