import { KeelError } from '../../core/index.js';
import type { FeatureImportance, FeatureSpec, Model, Task } from '../model.js';
import { readModelEnvelope, writeModelEnvelope } from '../model-format.js';
import { decodeArrays, encodeArrays, validateArrays } from './internal/codec.js';
import { CompiledForest } from './internal/compiled-forest.js';
import type { EnsembleArrays } from './internal/ensemble.js';
import { transformScores } from './internal/objectives.js';
import type { GbdtObjective } from './params.js';

/** The `format` and current `version` of serialized GBDT models (docs/model-format.md). */
export const GBDT_FORMAT = 'keel-gbdt';
/** The version `serialize` writes; `loadGbdtModel` reads versions up to it. */
export const GBDT_FORMAT_VERSION = 1;

/** What a GBDT model was trained with, kept in the serialized header. */
export interface GbdtModelInfo {
  readonly task: Task;
  readonly target: string;
  readonly features: readonly FeatureSpec[];
  readonly classes: readonly string[] | null;
  readonly objective: GbdtObjective;
  /** Raw score every row starts from, one per output. */
  readonly baseScore: readonly number[];
  /** Boosting rounds kept (after early stopping: the best round). */
  readonly rounds: number;
  /** The resolved training parameters, for the record. */
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * A trained gradient-boosted tree ensemble. Implements `Model`: `predictEncoded` runs over trees
 * compiled into flat typed arrays (a blocked batch loop, and a direct path for one row).
 */
export class GbdtModel implements Model {
  readonly learner = 'gbdt';
  readonly task: Task;
  readonly target: string;
  readonly features: readonly FeatureSpec[];
  readonly classes: readonly string[] | null;
  readonly outputWidth: number;
  readonly objective: GbdtObjective;
  /** Boosting rounds in the model; trees = rounds × (classes for softmax, else 1). */
  readonly rounds: number;
  readonly info: GbdtModelInfo;
  private readonly arrays: EnsembleArrays;
  private readonly forest: CompiledForest;

  /** Builds a model from trained arrays (see `trainGbdt` and `loadGbdtModel`). */
  constructor(info: GbdtModelInfo, arrays: EnsembleArrays) {
    this.info = info;
    this.task = info.task;
    this.target = info.target;
    this.features = info.features;
    this.classes = info.classes;
    this.objective = info.objective;
    this.rounds = info.rounds;
    this.outputWidth = info.baseScore.length;
    this.arrays = arrays;
    const levelCounts = info.features.map((f) => (f.kind === 'categorical' ? (f.levels?.length ?? 0) : 0));
    this.forest = new CompiledForest(arrays, info.features.length, this.outputWidth, levelCounts);
  }

  /** Trees in the model. */
  get treeCount(): number {
    return this.arrays.treeStart.length;
  }

  /**
   * Raw scores (log-odds / class scores / values) before the link function; `out` is n × outputWidth.
   * Categorical inputs must be level codes (integers in 0..levels-1) or NaN, else `KEEL_INVALID_ARGUMENT`.
   */
  predictRaw(x: Float64Array, n: number, out: Float64Array): void {
    this.checkShapes(x, n, out);
    const bad = this.forest.findBadCode(x, n);
    if (bad) {
      const name = this.features[bad.feature]!.name;
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Row ${bad.row}: categorical feature "${name}" must be a level code (0..${(this.features[bad.feature]!.levels?.length ?? 0) - 1}) or NaN, got ${bad.value}. Encode inputs with encodeFrame or RecordEncoder.`,
        { details: { row: bad.row, feature: name } },
      );
    }
    const k = this.outputWidth;
    const base = this.info.baseScore;
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = base[c]!;
    this.forest.add(x, n, out);
  }

  predictEncoded(x: Float64Array, n: number, out: Float64Array): void {
    this.predictRaw(x, n, out);
    transformScores(this.objective, out, n, this.outputWidth);
  }

  serialize(): Uint8Array {
    const { entries, payload } = encodeArrays(this.arrays);
    const header = {
      format: GBDT_FORMAT,
      version: GBDT_FORMAT_VERSION,
      learner: this.learner,
      ...this.info,
      outputWidth: this.outputWidth,
      trees: this.treeCount,
      nodes: this.arrays.feature.length,
      arrays: entries,
    };
    return writeModelEnvelope(header, payload);
  }

  featureImportance(): FeatureImportance[] {
    const gain = new Float64Array(this.features.length);
    const splits = new Float64Array(this.features.length);
    const { feature } = this.arrays;
    for (let i = 0; i < feature.length; i++) {
      const f = feature[i]!;
      if (f < 0) continue;
      gain[f]! += this.arrays.gain[i]!;
      splits[f]!++;
    }
    return this.features.map((f, j) => ({ name: f.name, gain: gain[j]!, splits: splits[j]! }));
  }

  private checkShapes(x: Float64Array, n: number, out: Float64Array): void {
    if (x.length < n * this.features.length || out.length < n * this.outputWidth) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `predictEncoded needs x of ${n} × ${this.features.length} and out of ${n} × ${this.outputWidth} values; got ${x.length} and ${out.length}.`,
        { details: { rows: n, features: this.features.length, outputWidth: this.outputWidth } },
      );
    }
  }
}

function checkedEnvelope(bytes: Uint8Array) {
  const { header, payload } = readModelEnvelope(bytes);
  if (header.format !== GBDT_FORMAT) {
    throw new KeelError(
      'KEEL_LEARN_MODEL_FORMAT',
      `Expected a "${GBDT_FORMAT}" model, got "${header.format}".`,
      {
        details: { format: header.format },
      },
    );
  }
  if (header.version < 1 || header.version > GBDT_FORMAT_VERSION || !Number.isInteger(header.version)) {
    throw new KeelError(
      'KEEL_LEARN_MODEL_FORMAT',
      `keel-gbdt version ${header.version} is not supported (this Keel reads 1..${GBDT_FORMAT_VERSION}); upgrade Keel.`,
      { details: { version: header.version } },
    );
  }
  return { header, payload };
}

const OUTPUTS: Record<string, { task: Task; width: (classes: number) => number }> = {
  logloss: { task: 'binary', width: () => 1 },
  softmax: { task: 'multiclass', width: (k) => k },
  l2: { task: 'regression', width: () => 1 },
  huber: { task: 'regression', width: () => 1 },
};

/** Header fields the model relies on: objective ↔ task, outputs ↔ classes, features. */
function checkInfo(info: GbdtModelInfo): void {
  const bad = (what: string) => new KeelError('KEEL_LEARN_MODEL_FORMAT', `Corrupt keel-gbdt model: ${what}.`);
  const out = OUTPUTS[info.objective];
  if (!out || out.task !== info.task)
    throw bad(`objective "${info.objective}" does not fit task "${info.task}"`);
  if (!Array.isArray(info.features) || info.features.length === 0) throw bad('no features');
  const classes = Array.isArray(info.classes) ? info.classes.length : 0;
  if (info.task !== 'regression' && classes < 2) throw bad('a classifier needs at least two classes');
  const width = out.width(classes);
  if (
    !Array.isArray(info.baseScore) ||
    info.baseScore.length !== width ||
    !info.baseScore.every(Number.isFinite)
  ) {
    throw bad(`baseScore must hold ${width} finite numbers`);
  }
}

/** Reads a model written by `GbdtModel.serialize`; `KEEL_LEARN_MODEL_FORMAT` when the bytes are not one. */
export function loadGbdtModel(bytes: Uint8Array): GbdtModel {
  const { header: h, payload } = checkedEnvelope(bytes);
  const info = h as unknown as GbdtModelInfo & { arrays: unknown };
  checkInfo(info);
  const arrays = decodeArrays(info.arrays, payload);
  const levelCounts = info.features.map((f) => (f.kind === 'categorical' ? (f.levels?.length ?? 0) : 0));
  validateArrays(arrays, info.features.length, levelCounts);
  return new GbdtModel(
    {
      task: info.task,
      target: info.target,
      features: info.features,
      classes: info.classes,
      objective: info.objective,
      baseScore: info.baseScore,
      rounds: info.rounds,
      params: info.params,
    },
    arrays,
  );
}
