import { type Column, type Frame, KeelError } from '../core/index.js';
import type { FeatureSpec, TrainOptions } from './model.js';

/**
 * Derives feature specs from training columns: categorical columns keep their levels (sorted,
 * so the encoding does not depend on row order), every number type is numeric.
 * Text columns are refused (`KEEL_LEARN_BAD_FEATURES`): they are ids or free text, not features.
 */
export function featureSpecs(frame: Frame, names: readonly string[]): FeatureSpec[] {
  return names.map((name) => {
    const c = frame.column(name);
    if (c.type === 'text') {
      throw new KeelError(
        'KEEL_LEARN_BAD_FEATURES',
        `Column "${name}" is free text; drop it or declare it categorical to use it as a feature.`,
        { details: { column: name } },
      );
    }
    if (c.type === 'categorical') {
      const used = new Set<number>();
      for (const code of c.codes) if (code >= 0) used.add(code);
      const levels = [...used].map((code) => c.levels[code]!).sort();
      return { name, kind: 'categorical', type: 'categorical', levels };
    }
    return { name, kind: 'numeric', type: c.type };
  });
}

/** Default features: every column but the target, the weight column and text columns. */
export function defaultFeatureNames(frame: Frame, target: string, exclude: readonly string[] = []): string[] {
  const skip = new Set([target, ...exclude]);
  return frame.columns.filter((c) => !skip.has(c.name) && c.type !== 'text').map((c) => c.name);
}

function encodeColumnInto(column: Column, spec: FeatureSpec, out: Float64Array, j: number, p: number): void {
  const n = column.type === 'categorical' ? column.codes.length : column.values.length;
  if (spec.kind === 'numeric') {
    if (column.type === 'categorical' || column.type === 'text') {
      throw new KeelError(
        'KEEL_REGISTRY_SIGNATURE_MISMATCH',
        `Feature "${spec.name}" must be numeric, got ${column.type}.`,
        {
          details: { column: spec.name, expected: 'numeric', actual: column.type },
        },
      );
    }
    const v = column.values;
    for (let i = 0; i < n; i++) out[i * p + j] = v[i]!;
    return;
  }
  const index = new Map(spec.levels!.map((l, k) => [l, k]));
  if (column.type === 'categorical') {
    const remap = column.levels.map((l) => index.get(l) ?? Number.NaN);
    for (let i = 0; i < n; i++) {
      const c = column.codes[i]!;
      out[i * p + j] = c < 0 ? Number.NaN : remap[c]!;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const raw =
      column.type === 'text'
        ? column.values[i]
        : Number.isNaN(column.values[i]!)
          ? null
          : String(column.values[i]);
    out[i * p + j] = raw === null || raw === undefined ? Number.NaN : (index.get(raw) ?? Number.NaN);
  }
}

/**
 * Encodes a frame into a row-major matrix (rowCount × specs.length) for `Model.predictEncoded`.
 * Missing columns fail with `KEEL_REGISTRY_SIGNATURE_MISMATCH` naming the column; unseen
 * categorical levels become NaN (routed like missing).
 */
export function encodeFrame(frame: Frame, specs: readonly FeatureSpec[]): Float64Array {
  const p = specs.length;
  const out = new Float64Array(frame.rowCount * p);
  specs.forEach((spec, j) => {
    if (!frame.has(spec.name)) {
      throw new KeelError(
        'KEEL_REGISTRY_SIGNATURE_MISMATCH',
        `Input is missing feature column "${spec.name}".`,
        {
          details: { column: spec.name },
        },
      );
    }
    encodeColumnInto(frame.column(spec.name), spec, out, j, p);
  });
  return out;
}

/**
 * Encodes single records (plain objects, as from JSON) into a feature row without building a
 * frame: the serving hot path. Create once per model, reuse for every request.
 */
export class RecordEncoder {
  readonly specs: readonly FeatureSpec[];
  private readonly levelIndex: (Map<string, number> | null)[];

  constructor(specs: readonly FeatureSpec[]) {
    this.specs = specs;
    this.levelIndex = specs.map((s) =>
      s.kind === 'categorical' ? new Map(s.levels!.map((l, k) => [l, k])) : null,
    );
  }

  /**
   * Writes `record`'s features into `out` at `offset`. Numbers must be finite numbers, booleans or
   * null; categoricals strings (or numbers, matched by their text) or null. Missing keys and bad
   * types fail with `KEEL_SERVE_BAD_INPUT` naming the field.
   */
  encodeInto(record: Readonly<Record<string, unknown>>, out: Float64Array, offset: number): void {
    const specs = this.specs;
    for (let j = 0; j < specs.length; j++) {
      const spec = specs[j]!;
      const v = record[spec.name];
      if (v === undefined) {
        throw new KeelError('KEEL_SERVE_BAD_INPUT', `Missing field "${spec.name}".`, {
          details: { field: spec.name },
        });
      }
      const index = this.levelIndex[j];
      if (index) {
        if (v === null) out[offset + j] = Number.NaN;
        else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
          out[offset + j] = index.get(String(v)) ?? Number.NaN;
        } else throw badField(spec.name, v, 'a string');
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw badField(spec.name, v, 'a finite number');
        out[offset + j] = v;
      } else if (v === null) out[offset + j] = Number.NaN;
      else if (typeof v === 'boolean') out[offset + j] = v ? 1 : 0;
      else if (spec.type === 'timestamp' && typeof v === 'string' && !Number.isNaN(Date.parse(v))) {
        out[offset + j] = Date.parse(v);
      } else throw badField(spec.name, v, 'a number');
    }
  }
}

function badField(name: string, value: unknown, expected: string): KeelError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  return new KeelError('KEEL_SERVE_BAD_INPUT', `Field "${name}" must be ${expected}, got ${shown}.`, {
    details: { field: name, expected },
  });
}

function badFeature(message: string, details: Record<string, unknown>): KeelError {
  return new KeelError('KEEL_LEARN_BAD_FEATURES', message, { details });
}

/** The feature columns to train on: `options.features` (checked) or every usable column. */
export function trainingFeatureNames(frame: Frame, options: TrainOptions): string[] {
  const exclude = options.weightColumn ? [options.weightColumn] : [];
  const names = options.features
    ? [...options.features]
    : defaultFeatureNames(frame, options.target, exclude);
  const seen = new Set<string>();
  for (const name of names) {
    if (!frame.has(name)) {
      throw badFeature(`Feature column "${name}" is not in the frame (columns: ${frame.names.join(', ')}).`, {
        column: name,
      });
    }
    if (name === options.target || name === options.weightColumn) {
      throw badFeature(`Column "${name}" is the target or weight column and cannot be a feature.`, {
        column: name,
      });
    }
    if (seen.has(name)) throw badFeature(`Feature column "${name}" is listed twice.`, { column: name });
    seen.add(name);
  }
  if (names.length === 0) {
    throw badFeature(
      `No feature columns: the frame has only the target "${options.target}" (and text columns).`,
      {},
    );
  }
  return names;
}
