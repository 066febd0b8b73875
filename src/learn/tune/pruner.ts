import { KeelError } from '../../core/index.js';

/**
 * Pruner specs: plain data naming how a study stops unpromising trials early from their
 * intermediate values (`Study.report`). Defaults are Optuna 3.1's.
 */

/** Never prunes. */
export interface NopPrunerSpec {
  readonly type: 'none';
}

/**
 * Prunes a trial whose best intermediate value so far is worse than the median (or the given
 * percentile) of the complete trials' values at the same step.
 */
export interface PercentilePrunerSpec {
  readonly type: 'median' | 'percentile';
  /** Percentile in [0, 100] ('percentile' only; 'median' is 50). Lower prunes more when minimising. */
  readonly percentile?: number;
  /** No pruning until this many trials are complete. Default 5. */
  readonly nStartupTrials?: number;
  /** No pruning before this step of a trial. Default 0. */
  readonly nWarmupSteps?: number;
  /** Check every this many steps after the warm-up. Default 1. */
  readonly intervalSteps?: number;
  /** Complete trials that must have reported the step for a comparison. Default 1. */
  readonly nMinTrials?: number;
}

/**
 * Asynchronous successive halving (ASHA): rung r ends at step minResource·rf^(minEarlyStoppingRate+r);
 * a trial reaching it continues only if its value is in the top ⌊n/rf⌋ of the values recorded there.
 */
export interface SuccessiveHalvingPrunerSpec {
  readonly type: 'successive-halving';
  /** Steps of the first rung; 'auto' = max(⌊last step of the first complete trial … / 100⌋, 1). Default 'auto'. */
  readonly minResource?: number | 'auto';
  /** Reduction factor rf ≥ 2. Default 4. */
  readonly reductionFactor?: number;
  /** Skips the first rungs. Default 0. */
  readonly minEarlyStoppingRate?: number;
  /** Trials a rung needs before it promotes anyone (needs a fixed minResource). Default 0. */
  readonly bootstrapCount?: number;
}

/**
 * Hyperband: several successive-halving brackets with growing early-stopping rates; each trial is
 * assigned a bracket by a hash of study name and trial number (as Optuna), and samplers then learn
 * only from trials of the same bracket.
 */
export interface HyperbandPrunerSpec {
  readonly type: 'hyperband';
  /** Steps of the first rung of the most aggressive bracket. Default 1. */
  readonly minResource?: number;
  /** Steps of a full trial; 'auto' = the last step of the first complete trial + 1. Default 'auto'. */
  readonly maxResource?: number | 'auto';
  /** Reduction factor ≥ 2. Default 3. */
  readonly reductionFactor?: number;
  /** Trials a rung needs before it promotes anyone (needs a fixed maxResource). Default 0. */
  readonly bootstrapCount?: number;
}

/** How a study prunes; default `{ type: 'none' }`. */
export type PrunerSpec =
  | NopPrunerSpec
  | PercentilePrunerSpec
  | SuccessiveHalvingPrunerSpec
  | HyperbandPrunerSpec;

/** A pruner spec with every option filled in. */
export type ResolvedPrunerSpec =
  | NopPrunerSpec
  | Required<PercentilePrunerSpec>
  | Required<SuccessiveHalvingPrunerSpec>
  | Required<HyperbandPrunerSpec>;

const DEFAULTS = {
  none: { type: 'none' },
  median: {
    type: 'median',
    percentile: 50,
    nStartupTrials: 5,
    nWarmupSteps: 0,
    intervalSteps: 1,
    nMinTrials: 1,
  },
  percentile: {
    type: 'percentile',
    percentile: Number.NaN,
    nStartupTrials: 5,
    nWarmupSteps: 0,
    intervalSteps: 1,
    nMinTrials: 1,
  },
  'successive-halving': {
    type: 'successive-halving',
    minResource: 'auto',
    reductionFactor: 4,
    minEarlyStoppingRate: 0,
    bootstrapCount: 0,
  },
  hyperband: {
    type: 'hyperband',
    minResource: 1,
    maxResource: 'auto',
    reductionFactor: 3,
    bootstrapCount: 0,
  },
} as const satisfies Record<PrunerSpec['type'], ResolvedPrunerSpec>;

function invalid(message: string, option: string): KeelError {
  return new KeelError('KEEL_INVALID_ARGUMENT', message, { details: { pruner: option } });
}

function intAtLeast(spec: Record<string, unknown>, key: string, min: number, allowAuto = false): void {
  const v = spec[key];
  if (allowAuto && v === 'auto') return;
  if (!Number.isInteger(v) || (v as number) < min) {
    throw invalid(`Pruner ${spec.type}: ${key} must be an integer ≥ ${min} (got ${JSON.stringify(v)}).`, key);
  }
}

/** Checks a pruner spec and fills in defaults; bad options fail with KEEL_INVALID_ARGUMENT. */
export function resolvePrunerSpec(spec: PrunerSpec | undefined): ResolvedPrunerSpec {
  if (spec === undefined) return DEFAULTS.none;
  const defaults = Object.hasOwn(DEFAULTS, spec.type) ? DEFAULTS[spec.type] : undefined;
  if (defaults === undefined) {
    throw invalid(
      `Unknown pruner type ${JSON.stringify(spec.type)}; use ${Object.keys(DEFAULTS)
        .map((k) => `"${k}"`)
        .join(', ')}.`,
      'type',
    );
  }
  for (const key of Object.keys(spec)) {
    // A resolved median spec carries percentile 50; any other percentile needs type 'percentile'.
    const medianPercentile =
      spec.type === 'median' && key === 'percentile' && (spec as { percentile?: number }).percentile !== 50;
    if (!Object.hasOwn(defaults, key) || medianPercentile) {
      throw invalid(
        `Unknown ${spec.type} pruner option "${key}" (known: ${Object.keys(defaults)
          .filter((k) => spec.type !== 'median' || k !== 'percentile')
          .join(', ')}).`,
        key,
      );
    }
  }
  const r = { ...defaults, ...spec } as Record<string, unknown> & ResolvedPrunerSpec;
  if (r.type === 'median' || r.type === 'percentile') {
    if (typeof r.percentile !== 'number' || !(r.percentile >= 0 && r.percentile <= 100)) {
      throw invalid(
        `Pruner percentile needs a percentile in [0, 100] (got ${JSON.stringify(r.percentile)}).`,
        'percentile',
      );
    }
    intAtLeast(r, 'nStartupTrials', 0);
    intAtLeast(r, 'nWarmupSteps', 0);
    intAtLeast(r, 'intervalSteps', 1);
    intAtLeast(r, 'nMinTrials', 1);
  } else if (r.type === 'successive-halving') {
    intAtLeast(r, 'minResource', 1, true);
    intAtLeast(r, 'reductionFactor', 2);
    intAtLeast(r, 'minEarlyStoppingRate', 0);
    intAtLeast(r, 'bootstrapCount', 0);
    if (r.bootstrapCount > 0 && r.minResource === 'auto') {
      throw invalid(
        'Pruner successive-halving: bootstrapCount > 0 needs a fixed minResource, not "auto".',
        'bootstrapCount',
      );
    }
  } else if (r.type === 'hyperband') {
    intAtLeast(r, 'minResource', 1);
    intAtLeast(r, 'maxResource', 1, true);
    intAtLeast(r, 'reductionFactor', 2);
    intAtLeast(r, 'bootstrapCount', 0);
    if (r.bootstrapCount > 0 && r.maxResource === 'auto') {
      throw invalid(
        'Pruner hyperband: bootstrapCount > 0 needs a fixed maxResource, not "auto".',
        'bootstrapCount',
      );
    }
  }
  return r;
}
