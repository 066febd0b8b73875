import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { KeelError } from '../core/index.js';
import { definePipeline, isPipeline, type Pipeline, type PipelineOptions } from './pipeline.js';
import type { PipelineResolver } from './pipeline-worker.js';
import { pipelineFromYaml } from './yaml-pipeline.js';

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const YAML = /\.ya?ml$/;

/**
 * Loads a pipeline file: YAML (`.yaml`/`.yml`, built-in steps) or TypeScript/JavaScript (loaded
 * with jiti, no build step) whose default export (or `pipeline` export) is a `definePipeline(...)`
 * result or its plain options. Relative paths resolve against `root`. The pipeline's `source` is
 * the absolute path, which queue workers load the same file from. Fails with `KEEL_PIPELINE_INVALID`.
 */
export async function loadPipelineFile(path: string, root: string): Promise<Pipeline> {
  const file = isAbsolute(path) ? path : resolve(root, path);
  const exists = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) {
    throw new KeelError('KEEL_PIPELINE_INVALID', `Pipeline file ${file} does not exist.`, {
      details: { file },
    });
  }
  if (YAML.test(file)) return pipelineFromYaml(await readFile(file, 'utf8'), file);
  if (!CODE.test(file)) {
    throw new KeelError(
      'KEEL_PIPELINE_INVALID',
      `Pipeline file ${file} must be TypeScript/JavaScript (.ts, .mts, .js, .mjs) or YAML (.yaml, .yml).`,
      { details: { file } },
    );
  }
  let mod: Record<string, unknown>;
  try {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { moduleCache: false, interopDefault: false });
    mod = (await jiti.import(file)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof KeelError) throw error;
    throw new KeelError(
      'KEEL_PIPELINE_INVALID',
      `Could not load pipeline file ${file}: ${(error as Error).message}`,
      {
        cause: error,
        details: { file },
      },
    );
  }
  const exported = mod.default ?? mod.pipeline;
  if (isPipeline(exported)) return { ...exported, source: file };
  if (exported && typeof exported === 'object' && 'steps' in exported) {
    return definePipeline(exported as PipelineOptions, file);
  }
  throw new KeelError(
    'KEEL_PIPELINE_INVALID',
    `Pipeline file ${file} must export a pipeline: \`export default definePipeline({ name, steps })\` (or its plain options).`,
    { details: { file, exports: Object.keys(mod) } },
  );
}

/**
 * The resolver `keel worker` uses: loads a task's pipeline from its `source` file, reusing the
 * loaded definition while the file's modification time is unchanged.
 */
export function filePipelineResolver(root: string): PipelineResolver {
  const loaded = new Map<string, { mtimeMs: number; pipeline: Promise<Pipeline> }>();
  return async (task) => {
    if (!task.source) {
      throw new KeelError(
        'KEEL_PIPELINE_INVALID',
        `Pipeline "${task.pipeline}" was defined in code, not in a file, so workers cannot load it. Run it from a pipeline file, or with the local runner.`,
        { details: { pipeline: task.pipeline } },
      );
    }
    const mtimeMs = await stat(task.source).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    const cached = loaded.get(task.source);
    if (cached && cached.mtimeMs === mtimeMs) return cached.pipeline;
    const pipeline = loadPipelineFile(task.source, root);
    loaded.set(task.source, { mtimeMs, pipeline });
    pipeline.catch(() => loaded.delete(task.source!));
    return pipeline;
  };
}
