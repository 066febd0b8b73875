import { higherIsBetter } from './internal/policy-checks.js';
import type { ResolvedGate } from './resolved-policy.js';

/** One check of the gate and its outcome. */
export interface GateCheck {
  readonly metric: string;
  /** `min`/`max`: an absolute bound on the challenger; `improvement`: over the champion. */
  readonly kind: 'min' | 'max' | 'improvement';
  /** The bound (for `improvement`, the required gain in the metric's better direction). */
  readonly bound: number;
  /** The challenger's value, or null when the metric is not reported for this task. */
  readonly value: number | null;
  /** The champion's value (improvement checks), or null. */
  readonly champion: number | null;
  /** The gain over the champion in the better direction (improvement checks), or null. */
  readonly gain: number | null;
  readonly passed: boolean;
  /** One line: `auc 0.8712 ≥ 0.85`, `logloss improved by 0.0312 (≥ 0.01 required)`. */
  readonly detail: string;
}

/** The gate's decision: blessed only when every check passes. */
export interface GateOutcome {
  readonly blessed: boolean;
  readonly checks: readonly GateCheck[];
  /** The detail of every failed check (empty when blessed). */
  readonly reasons: readonly string[];
}

const f = (v: number): string => String(Number(v.toPrecision(4)));

/**
 * Applies the gate (TFMA semantics): every absolute bound on the challenger's metrics and every
 * required improvement over the champion — both scored on the same frozen evaluation set — must
 * pass. Improvements are measured in the metric's better direction (higher AUC, lower logloss).
 * Without a champion (`null`), improvement checks pass with a note. Pure.
 */
export function evaluateGate(
  gate: ResolvedGate,
  challenger: Readonly<Record<string, number>>,
  champion: Readonly<Record<string, number>> | null,
): GateOutcome {
  const checks: GateCheck[] = [];
  const missing = (metric: string): string =>
    `${metric} is not reported for this model (known: ${Object.keys(challenger).join(', ')})`;
  for (const [metric, bound] of Object.entries(gate.metrics)) {
    const value = challenger[metric] ?? null;
    for (const kind of ['min', 'max'] as const) {
      const b = bound[kind];
      if (b === null) continue;
      const passed = value !== null && (kind === 'min' ? value >= b : value <= b);
      const detail =
        value === null
          ? missing(metric)
          : `${metric} ${f(value)} ${passed ? (kind === 'min' ? '≥' : '≤') : kind === 'min' ? '<' : '>'} ${kind} ${f(b)}`;
      checks.push({ metric, kind, bound: b, value, champion: null, gain: null, passed, detail });
    }
  }
  for (const [metric, required] of Object.entries(gate.improvement)) {
    const value = challenger[metric] ?? null;
    const base = champion ? (champion[metric] ?? null) : null;
    let passed: boolean;
    let gain: number | null = null;
    let detail: string;
    if (value === null) {
      passed = false;
      detail = missing(metric);
    } else if (!champion) {
      passed = true;
      detail = `${metric} ${f(value)}: no champion to improve on`;
    } else if (base === null) {
      passed = false;
      detail = `the champion reports no ${metric} on the evaluation set`;
    } else {
      gain = higherIsBetter(metric) ? value - base : base - value;
      passed = gain >= required;
      detail = `${metric} ${f(value)} vs champion ${f(base)}: ${gain >= 0 ? 'better' : 'worse'} by ${f(Math.abs(gain))} (${passed ? '≥' : '<'} ${f(required)} required)`;
    }
    checks.push({
      metric,
      kind: 'improvement',
      bound: required,
      value,
      champion: base,
      gain,
      passed,
      detail,
    });
  }
  const reasons = checks.filter((c) => !c.passed).map((c) => c.detail);
  return { blessed: reasons.length === 0, checks, reasons };
}
