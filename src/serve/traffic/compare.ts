import type { TensorBatch } from '../tensor.js';

/** How one output differs between the primary and the shadow. */
export interface OutputDifference {
  /** Numeric outputs: largest |primary − shadow| over all elements (NaN pairs count as equal). */
  readonly maxAbsDiff?: number;
  /** Numeric outputs: mean |primary − shadow|. */
  readonly meanAbsDiff?: number;
  /** Label-like outputs (BYTES, integers, BOOL): share of rows where the whole row agrees, 0..1. */
  readonly agreement?: number;
}

/** Primary vs shadow outputs for one mirrored request. */
export interface OutputComparison {
  /** Per output present in both with the same shape. */
  readonly outputs: Readonly<Record<string, OutputDifference>>;
  /** Agreement of the `label` outputs when both have one, else null. */
  readonly labelAgreement: number | null;
  /** Output names only one side has, or whose shapes differ. */
  readonly incomparable: readonly string[];
}

const asNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

/** Compares the outputs two model versions gave for the same input rows. */
export function compareOutputs(primary: TensorBatch, shadow: TensorBatch): OutputComparison {
  const outputs: Record<string, OutputDifference> = {};
  const incomparable: string[] = [];
  const other = new Map(shadow.tensors.map((t) => [t.name, t]));
  for (const a of primary.tensors) {
    const b = other.get(a.name);
    other.delete(a.name);
    if (!b || a.data.length !== b.data.length || a.shape.join(',') !== b.shape.join(',')) {
      incomparable.push(a.name);
      continue;
    }
    const float =
      (a.datatype === 'FP32' || a.datatype === 'FP64') && (b.datatype === 'FP32' || b.datatype === 'FP64');
    if (float) {
      let max = 0;
      let sum = 0;
      for (let i = 0; i < a.data.length; i++) {
        const x = asNumber(a.data[i]);
        const y = asNumber(b.data[i]);
        const d = Number.isNaN(x) && Number.isNaN(y) ? 0 : Math.abs(x - y);
        if (d > max || Number.isNaN(d)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
        sum += Number.isFinite(d) ? d : 0;
      }
      outputs[a.name] = { maxAbsDiff: max, meanAbsDiff: a.data.length ? sum / a.data.length : 0 };
      continue;
    }
    const rows = Math.max(1, primary.rows);
    const w = a.data.length / rows;
    let same = 0;
    for (let r = 0; r < rows; r++) {
      let ok = true;
      for (let k = 0; k < w && ok; k++) ok = String(a.data[r * w + k]) === String(b.data[r * w + k]);
      if (ok) same++;
    }
    outputs[a.name] = { agreement: same / rows };
  }
  incomparable.push(...other.keys());
  return { outputs, labelAgreement: outputs.label?.agreement ?? null, incomparable };
}
