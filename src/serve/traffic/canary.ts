import { KeelError } from '../../core/index.js';
import type { DeploymentSpec } from '../../storage/index.js';

/** A canary command: start one, step its share, promote it, or roll it back. */
export type CanaryAction =
  | { readonly type: 'start'; readonly ref: string; readonly percent?: number }
  | { readonly type: 'step'; readonly percent?: number; readonly stepPercent?: number }
  | { readonly type: 'promote' }
  | { readonly type: 'rollback' };

/** Default share a new canary starts with and each step adds, in percent (`options.canary.stepPercent`). */
export const DEFAULT_CANARY_STEP_PERCENT = 10;

function invalid(message: string): KeelError {
  return new KeelError('KEEL_DEPLOY_INVALID', message);
}

function stepOf(spec: DeploymentSpec): number {
  const canary = spec.options?.canary as { stepPercent?: unknown } | undefined;
  const step = canary?.stepPercent;
  return typeof step === 'number' && step > 0 && step <= 100 ? step : DEFAULT_CANARY_STEP_PERCENT;
}

function checkPercent(percent: number): number {
  if (!(Number.isFinite(percent) && percent >= 0 && percent <= 100)) {
    throw invalid(`A canary share must be in 0..100 percent, got ${percent}.`);
  }
  return percent;
}

/** The canary's share of traffic in percent (0 when the deployment is not in canary mode). */
export function canaryPercent(spec: DeploymentSpec): number {
  if (spec.mode !== 'canary') return 0;
  const stable = spec.variants.find((v) => v.name === 'stable')?.weight ?? 0;
  const canary = spec.variants.find((v) => v.name === 'canary')?.weight ?? 0;
  return stable + canary > 0 ? (100 * canary) / (stable + canary) : 0;
}

function withCanary(
  spec: DeploymentSpec,
  stableRef: string,
  canaryRef: string,
  percent: number,
): DeploymentSpec {
  return {
    ...spec,
    mode: 'canary',
    variants: [
      { name: 'stable', ref: stableRef, weight: 100 - percent },
      { name: 'canary', ref: canaryRef, weight: percent },
    ],
  };
}

function single(spec: DeploymentSpec, ref: string): DeploymentSpec {
  return { ...spec, mode: 'single', variants: [{ name: 'primary', ref, weight: 100 }] };
}

function canaryRefs(spec: DeploymentSpec): { stable: string; canary: string } {
  const stable = spec.variants.find((v) => v.name === 'stable');
  const canary = spec.variants.find((v) => v.name === 'canary');
  if (spec.mode !== 'canary' || !stable || !canary) {
    throw invalid('The deployment has no canary running; start one first (canary start <ref>).');
  }
  return { stable: stable.ref, canary: canary.ref };
}

/**
 * Applies a canary command to a spec and returns the new spec (the input is not changed).
 * `start` turns a single deployment into stable (its model) + canary (`ref`) at `percent` (default
 * the step); `step` raises the canary share by `stepPercent` (default `options.canary.stepPercent`,
 * else 10) or sets it to `percent`, capped at 100; `promote` makes the canary the only variant
 * (mode single); `rollback` returns to the stable model alone. Users keep their bucket: raising the
 * share only moves stable users to the canary. Fails with `KEEL_DEPLOY_INVALID`.
 */
export function applyCanary(spec: DeploymentSpec, action: CanaryAction): DeploymentSpec {
  switch (action.type) {
    case 'start': {
      if (spec.mode === 'canary')
        throw invalid('A canary is already running; promote or roll it back first.');
      if (spec.mode !== 'single' || spec.variants.length !== 1) {
        throw invalid('A canary starts from a single-model deployment.');
      }
      return withCanary(
        spec,
        spec.variants[0]!.ref,
        action.ref,
        checkPercent(action.percent ?? stepOf(spec)),
      );
    }
    case 'step': {
      const { stable, canary } = canaryRefs(spec);
      const next =
        action.percent !== undefined
          ? checkPercent(action.percent)
          : Math.min(100, canaryPercent(spec) + checkPercent(action.stepPercent ?? stepOf(spec)));
      return withCanary(spec, stable, canary, next);
    }
    case 'promote':
      return single(spec, canaryRefs(spec).canary);
    case 'rollback':
      return single(spec, canaryRefs(spec).stable);
    default:
      throw invalid(`Unknown canary action ${JSON.stringify((action as { type: unknown }).type)}.`);
  }
}
