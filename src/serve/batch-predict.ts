import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Frame, KeelError } from '../core/index.js';
import { formatOf, readBatches, writeFrame } from '../data/index.js';
import { type DuckDBEngine, openDuckDBEngine } from '../storage/index.js';
import { frameInput, outputColumns, withPredictions } from './internal/batch-frames.js';
import { mergeParts } from './internal/merge-parts.js';
import type { ModelLoaders, ModelSource, ResolvedModel } from './model-source.js';
import type { Predictor } from './predictor.js';

/** Options of `predictFile`. */
export interface BatchPredictOptions {
  /** Resolves and fetches the model (the registry). */
  readonly source: ModelSource;
  /** Runtimes by flavor (see `builtinLoaders`). */
  readonly loaders: ModelLoaders;
  /** Model reference: `fraud@champion`, `fraud/3`, `fraud`. */
  readonly model: string;
  /** Input file: CSV/TSV, Parquet or JSON Lines (optionally .gz for text formats). */
  readonly input: string;
  /** Output file; its extension picks the format. The input columns plus the prediction columns. */
  readonly output: string;
  /** Rows read, predicted and written at a time (memory is proportional to it). Default 65,536. */
  readonly batchRows?: number;
  /** Base folder for relative paths. Default: the process's working directory. */
  readonly cwd?: string;
  /** Called after every batch with the rows done so far. */
  readonly onProgress?: (rows: number) => void;
  /** DuckDB engine to read and write with (default: a private one, closed at the end). */
  readonly engine?: DuckDBEngine;
  /** Memory the private DuckDB engine may use before spilling to disk. Default `256MB`. */
  readonly memoryLimit?: string;
}

/** What `predictFile` did. */
export interface BatchPredictResult {
  readonly model: string;
  readonly version: number;
  readonly rows: number;
  readonly batches: number;
  /** Absolute path of the written file. */
  readonly output: string;
  readonly format: 'csv' | 'parquet' | 'jsonl';
  /** Prediction columns added to each row. */
  readonly columns: readonly string[];
}

/** Loads the runtime for a reference, outside any engine (batch jobs need no scheduler or swap). */
async function loadPredictor(
  options: BatchPredictOptions,
): Promise<{ resolved: ResolvedModel; predictor: Predictor }> {
  const resolved = await options.source.resolve(options.model);
  const loader = options.loaders[resolved.flavor];
  if (!loader) {
    throw new KeelError(
      'KEEL_SERVE_LOAD_FAILED',
      `No runtime for model flavor "${resolved.flavor}" (${resolved.model}/${resolved.version}). Known: ${Object.keys(options.loaders).join(', ')}.`,
      { details: { flavor: resolved.flavor } },
    );
  }
  return { resolved, predictor: await loader(await options.source.fetch(resolved), resolved) };
}

function outputFormat(path: string): 'csv' | 'parquet' | 'jsonl' {
  const format = formatOf(path);
  if (!format) {
    throw new KeelError(
      'KEEL_DATA_UNSUPPORTED_FORMAT',
      `Cannot write ${path}: use a .csv, .tsv, .parquet, .jsonl or .ndjson file.`,
      { details: { file: path } },
    );
  }
  return format;
}

/**
 * Batch inference over a file: reads `batchRows` rows at a time (`readBatches`), predicts them with
 * the model's runtime, writes each batch with its predictions to a Parquet part (`writeFrame`) and
 * concatenates the parts into `output` at the end, in input order. Only one or two batches are in
 * memory at any time, so files larger than memory are processed with flat memory; reading the next
 * batch overlaps with predicting the current one. The output is replaced atomically: a failure
 * leaves any previous file as it was.
 */
export async function predictFile(options: BatchPredictOptions): Promise<BatchPredictResult> {
  const cwd = options.cwd ?? process.cwd();
  const target = resolve(cwd, options.output);
  const format = outputFormat(target);
  const batchRows = options.batchRows ?? 65_536;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `batchRows must be a whole number >= 1, got ${batchRows}.`);
  }
  const { resolved, predictor } = await loadPredictor(options);
  await mkdir(dirname(target), { recursive: true });
  const partsDir = await mkdtemp(join(dirname(target), '.keel-predict-'));
  // A bounded buffer pool (spilling beside the parts) keeps memory flat however large the file.
  const engine =
    options.engine ??
    (await openDuckDBEngine({ memoryLimit: options.memoryLimit ?? '256MB', tempDirectory: partsDir }));
  const batches = readBatches(options.input, { batchRows, cwd, engine });
  let pendingWrite: Promise<unknown> = Promise.resolve();
  try {
    const parts: string[] = [];
    let schema: Frame['schema'] | null = null;
    let columns: string[] = [];
    let rows = 0;
    let next = batches.next();
    for (;;) {
      const step = await next;
      if (step.done) break;
      next = batches.next();
      const frame = step.value;
      const input = frameInput(predictor, frame);
      const output = await (predictor.runBatch ? predictor.runBatch(input) : predictor.run(input));
      const predictions = outputColumns(predictor, output);
      const written = withPredictions(frame, predictions);
      if (!schema) {
        schema = written.schema;
        columns = written.columns.slice(frame.columns.length).map((c) => c.name);
      }
      const part = join(partsDir, `part-${String(parts.length).padStart(6, '0')}.parquet`);
      parts.push(part);
      await pendingWrite;
      pendingWrite = writeFrame(written, part, { engine });
      rows += frame.rowCount;
      options.onProgress?.(rows);
    }
    await pendingWrite;
    if (!schema) throw new KeelError('KEEL_DATA_EMPTY', `${options.input} has no rows to predict.`);
    await mergeParts(engine, parts, schema, format, target);
    return {
      model: resolved.model,
      version: resolved.version,
      rows,
      batches: parts.length,
      output: target,
      format,
      columns,
    };
  } finally {
    await pendingWrite.catch(() => undefined);
    await batches.return(undefined).catch(() => undefined);
    await predictor.release().catch(() => undefined);
    if (!options.engine) await engine.close();
    await rm(partsDir, { recursive: true, force: true });
  }
}
