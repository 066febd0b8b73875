import { higherIsBetter } from './internal/policy-checks.js';
import type { QualityObservation } from './learning-signals.js';
import type { ResolvedQualityBound, ResolvedRollout } from './resolved-policy.js';
import type { ServingObservation } from './serving-signals.js';

/** One check of a shadow or canary analysis. */
export interface RolloutCheck {
  readonly name:
    | 'duration'
    | 'traffic'
    | 'error_rate'
    | 'latency_p99'
    | 'quality'
    | 'label_agreement'
    | 'mean_abs_diff';
  /** true passed, false failed, null inconclusive (not enough data) or not observed. */
  readonly passed: boolean | null;
  readonly challenger: number | null;
  readonly champion: number | null;
  readonly bound: number | null;
  /** Where a quality figure came from: `labels` (realised) or `cbpe` (estimated). */
  readonly source?: 'labels' | 'cbpe';
  readonly detail: string;
}

/** The outcome of an analysis: `pass` (step or promote), `fail` (roll back), `wait` (not decided yet). */
export interface RolloutVerdict {
  readonly outcome: 'pass' | 'fail' | 'wait';
  readonly checks: readonly RolloutCheck[];
  /** One line naming the failed (or pending) checks, or summarising a pass. */
  readonly reason: string;
}

/** A number with 4 significant digits, `n/a` for null. */
export const f = (v: number | null, digits = 4): string =>
  v === null ? 'n/a' : Number(v.toPrecision(digits)).toString();
/** Errors per request, or null when not observed. */
export const rate = (o: ServingObservation): number | null =>
  o.errors === null ? null : o.requests > 0 ? o.errors / o.requests : 0;

/** A check with its figures. */
export function check(
  name: RolloutCheck['name'],
  passed: boolean | null,
  challenger: number | null,
  champion: number | null,
  bound: number | null,
  detail: string,
  source?: 'labels' | 'cbpe',
): RolloutCheck {
  return { name, passed, challenger, champion, bound, detail, ...(source ? { source } : {}) };
}

/** The challenger's error rate against the champion's plus the allowed increase. */
export function errorCheck(
  bounds: ResolvedRollout['bounds'],
  challenger: number | null,
  champion: number | null,
): RolloutCheck {
  if (challenger === null)
    return check(
      'error_rate',
      null,
      null,
      champion,
      bounds.errorRateIncrease,
      'error rate not observed by this process',
    );
  const base = champion ?? 0;
  const passed = challenger - base <= bounds.errorRateIncrease + 1e-12;
  return check(
    'error_rate',
    passed,
    challenger,
    champion,
    bounds.errorRateIncrease,
    `error rate ${f(challenger)} vs champion ${f(base)} (${passed ? '≤' : '>'} +${bounds.errorRateIncrease})`,
  );
}

/** The challenger's p99 against the ceiling and the champion's (ratio or slack). */
export function latencyCheck(
  bounds: ResolvedRollout['bounds'],
  challenger: number | null,
  champion: number | null,
): RolloutCheck {
  if (challenger === null)
    return check('latency_p99', null, null, champion, bounds.latencyP99MaxMs, 'no answered requests to time');
  const overMax = challenger > bounds.latencyP99MaxMs;
  const near =
    champion !== null &&
    (challenger <= champion * bounds.latencyP99Ratio || challenger - champion <= bounds.latencyP99SlackMs);
  const passed = !overMax && (champion === null || near);
  const why = overMax
    ? `above the ${bounds.latencyP99MaxMs} ms ceiling`
    : passed
      ? `within ×${bounds.latencyP99Ratio} or +${bounds.latencyP99SlackMs} ms`
      : `more than ×${bounds.latencyP99Ratio} and +${bounds.latencyP99SlackMs} ms`;
  return check(
    'latency_p99',
    passed,
    challenger,
    champion,
    bounds.latencyP99MaxMs,
    `p99 ${f(challenger)} ms vs champion ${f(champion)} ms: ${why}`,
  );
}

/** Compares live quality of challenger and champion: realised from labels, else CBPE, else inconclusive. */
export function qualityCheck(
  bound: ResolvedQualityBound,
  champion: QualityObservation | null,
  challenger: QualityObservation | null,
): RolloutCheck {
  const m = bound.metric;
  let source: 'labels' | 'cbpe' | null = null;
  let c: number | null = null;
  let s: number | null = null;
  if (
    champion &&
    challenger &&
    champion.labelled >= bound.minLabels &&
    challenger.labelled >= bound.minLabels
  ) {
    c = challenger.metrics[m] ?? null;
    s = champion.metrics[m] ?? null;
    if (c !== null && s !== null) source = 'labels';
  }
  if (!source && bound.estimated && champion?.estimated && challenger?.estimated) {
    c = challenger.estimated[m] ?? null;
    s = champion.estimated[m] ?? null;
    if (c !== null && s !== null) source = 'cbpe';
  }
  if (!source || c === null || s === null) {
    const labelled = `${challenger?.labelled ?? 0} and ${champion?.labelled ?? 0} labelled predictions (challenger, champion) of ${bound.minLabels} needed`;
    return check(
      'quality',
      null,
      null,
      null,
      bound.maxDrop,
      `${m}: ${labelled}; no ${bound.estimated ? 'CBPE estimate' : 'estimate allowed'}`,
    );
  }
  const drop = higherIsBetter(m) ? s - c : c - s;
  const passed = drop <= bound.maxDrop + 1e-12;
  const label = source === 'labels' ? 'realised' : 'ESTIMATED (cbpe)';
  return check(
    'quality',
    passed,
    c,
    s,
    bound.maxDrop,
    `${m} ${f(c)} vs champion ${f(s)} (${label}): ${drop > 0 ? `worse by ${f(drop)}` : 'not worse'} (${passed ? '≤' : '>'} ${bound.maxDrop} allowed)`,
    source,
  );
}
