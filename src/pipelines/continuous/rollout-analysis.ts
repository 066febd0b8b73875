import type { QualityObservation } from './learning-signals.js';
import type { ResolvedRollout } from './resolved-policy.js';
import {
  check,
  errorCheck,
  f,
  latencyCheck,
  qualityCheck,
  type RolloutCheck,
  type RolloutVerdict,
  rate,
} from './rollout-checks.js';
import type { ServingObservation, ShadowObservation } from './serving-signals.js';

export { qualityCheck, type RolloutCheck, type RolloutVerdict } from './rollout-checks.js';

function verdict(checks: RolloutCheck[], gating: readonly RolloutCheck['name'][]): RolloutVerdict {
  const pending = checks.filter((c) => (c.name === 'traffic' || c.name === 'duration') && c.passed !== true);
  const failed = checks.filter((c) => c.passed === false && !['traffic', 'duration'].includes(c.name));
  // Hard failures count as soon as there is enough traffic to judge; a pass needs the full interval.
  if (failed.length > 0 && !pending.some((c) => c.name === 'traffic')) {
    return { outcome: 'fail', checks, reason: failed.map((c) => c.detail).join('; ') };
  }
  const open = checks.filter((c) => gating.includes(c.name) && c.passed === null);
  if (pending.length > 0 || open.length > 0) {
    return { outcome: 'wait', checks, reason: [...pending, ...open].map((c) => c.detail).join('; ') };
  }
  return {
    outcome: 'pass',
    checks,
    reason: checks
      .filter((c) => c.passed === true)
      .map((c) => c.detail)
      .join('; '),
  };
}

/**
 * Analyses one canary step: enough canary requests (`minRequests`) and time (`interval`), then the
 * challenger's error rate, p99 latency and live quality against the champion's over the same
 * window. A failed bound fails the step as soon as there is enough traffic; quality that cannot be
 * judged yet (too few labels, no estimate) keeps it waiting. Pure.
 */
export function analyzeCanary(
  rollout: ResolvedRollout,
  input: {
    readonly elapsedMs: number;
    readonly champion: ServingObservation;
    readonly challenger: ServingObservation;
    readonly quality: {
      readonly champion: QualityObservation | null;
      readonly challenger: QualityObservation | null;
    } | null;
  },
): RolloutVerdict {
  const { canary, bounds } = rollout;
  const checks: RolloutCheck[] = [
    check(
      'duration',
      input.elapsedMs >= canary.intervalMs,
      input.elapsedMs,
      null,
      canary.intervalMs,
      `${Math.round(input.elapsedMs / 1000)} s of ${canary.intervalMs / 1000} s at this step`,
    ),
    check(
      'traffic',
      input.challenger.requests >= canary.minRequests,
      input.challenger.requests,
      input.champion.requests,
      canary.minRequests,
      `${input.challenger.requests} canary requests of ${canary.minRequests} needed`,
    ),
    errorCheck(bounds, rate(input.challenger), rate(input.champion)),
    latencyCheck(bounds, input.challenger.p99Ms, input.champion.p99Ms),
  ];
  if (bounds.quality)
    checks.push(
      qualityCheck(bounds.quality, input.quality?.champion ?? null, input.quality?.challenger ?? null),
    );
  return verdict(checks, ['quality']);
}

/**
 * Analyses the shadow period: enough mirrored requests and time, then the shadow's error rate and
 * p99 against the primary's, and (when the policy sets them) label agreement and mean output
 * difference. Mirrored calls not observed by this process keep it waiting. Pure.
 */
export function analyzeShadow(
  rollout: ResolvedRollout,
  input: {
    readonly elapsedMs: number;
    readonly champion: ServingObservation;
    readonly shadow: ShadowObservation | null;
  },
): RolloutVerdict {
  // A policy replaced mid-shadow without a shadow section ends the shadow at once on its checks.
  const s = rollout.shadow ?? {
    durationMs: 0,
    percent: 100,
    minRequests: 0,
    minLabelAgreement: null,
    maxMeanAbsDiff: null,
  };
  const { bounds } = rollout;
  const obs = input.shadow;
  const checks: RolloutCheck[] = [
    check(
      'duration',
      input.elapsedMs >= s.durationMs,
      input.elapsedMs,
      null,
      s.durationMs,
      `${Math.round(input.elapsedMs / 1000)} s of ${s.durationMs / 1000} s in shadow`,
    ),
    obs
      ? check(
          'traffic',
          obs.requests >= s.minRequests,
          obs.requests,
          input.champion.requests,
          s.minRequests,
          `${obs.requests} mirrored requests of ${s.minRequests} needed`,
        )
      : check(
          'traffic',
          null,
          null,
          null,
          s.minRequests,
          'mirrored requests are observed by the serving process only (run the controller in keel serve)',
        ),
  ];
  if (obs) {
    checks.push(errorCheck(bounds, obs.requests > 0 ? obs.errors / obs.requests : 0, rate(input.champion)));
    checks.push(latencyCheck(bounds, obs.p99Ms, obs.primaryP99Ms));
    if (s.minLabelAgreement !== null) {
      const a = obs.labelAgreement;
      checks.push(
        check(
          'label_agreement',
          a === null ? null : a >= s.minLabelAgreement,
          a,
          null,
          s.minLabelAgreement,
          a === null
            ? 'no label outputs to compare'
            : `label agreement ${f(a)} (${a >= s.minLabelAgreement ? '≥' : '<'} ${s.minLabelAgreement})`,
        ),
      );
    }
    if (s.maxMeanAbsDiff !== null) {
      const d = obs.meanAbsDiff;
      checks.push(
        check(
          'mean_abs_diff',
          d === null ? null : d <= s.maxMeanAbsDiff,
          d,
          null,
          s.maxMeanAbsDiff,
          d === null
            ? 'no numeric outputs to compare'
            : `mean |champion − challenger| ${f(d)} (${d <= s.maxMeanAbsDiff ? '≤' : '>'} ${s.maxMeanAbsDiff})`,
        ),
      );
    }
  }
  return verdict(checks, []);
}
