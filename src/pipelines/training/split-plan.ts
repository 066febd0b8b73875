import { type Frame, KeelError } from '../../core/index.js';
import { type SplitIndices, splitFrame } from '../../learn/index.js';

/** How `keel train` holds data out: `random`, `stratified` (by the target) or `time:<column>`. */
export interface SplitPlan {
  readonly method: 'random' | 'stratified' | 'time';
  /** The timestamp column of a time split. */
  readonly column?: string;
}

/** Parses `--split random|stratified|time:<column>`. */
export function parseSplit(text: string): SplitPlan {
  if (text === 'random' || text === 'stratified') return { method: text };
  const m = /^time:(.+)$/.exec(text);
  if (m) return { method: 'time', column: m[1]! };
  throw new KeelError('KEEL_USAGE', `--split "${text}" is not one of random, stratified, time:<column>.`, {
    details: { split: text },
  });
}

/**
 * Splits rows into train / validation / test index sets. Time splits put the newest rows in test
 * (and the ones before them in validation), so evaluation never looks into the past.
 */
export function planSplit(
  frame: Frame,
  plan: SplitPlan,
  target: string,
  fractions: { readonly validation: number; readonly test: number },
  seed: number,
): SplitIndices {
  if (plan.method === 'time') {
    return splitFrame(frame, { method: 'time', column: plan.column!, ...fractions });
  }
  if (plan.method === 'stratified') {
    return splitFrame(frame, { method: 'stratified', column: target, ...fractions, seed });
  }
  return splitFrame(frame, { method: 'random', ...fractions, seed });
}
