import type { EngineEvent, EngineEventType, EngineListener, ModelStats } from '../../serve/index.js';

/** A deployment variant's traffic over a window. */
export interface ServingObservation {
  /** Requests answered plus requests failed. */
  readonly requests: number;
  /** Failed requests (runtime errors, timeouts, refusals under load); null when not observed here. */
  readonly errors: number | null;
  /** p99 of the engine time of answered requests, in ms; null without any. */
  readonly p99Ms: number | null;
}

/** Mirrored (shadow) traffic of a deployment over a window. */
export interface ShadowObservation {
  /** Mirrored requests that finished (answered or failed). */
  readonly requests: number;
  readonly errors: number;
  /** p99 of the shadow's runtime time, in ms. */
  readonly p99Ms: number | null;
  /** p99 of the primary's engine time over the same window, in ms. */
  readonly primaryP99Ms: number | null;
  /** Row-weighted share of rows where both gave the same label, or null (no label outputs). */
  readonly labelAgreement: number | null;
  /** Row-weighted mean |primary − shadow| of the first numeric output compared, or null. */
  readonly meanAbsDiff: number | null;
}

/** Live serving facts the rollout is analysed on. */
export interface ServingSignals {
  /** Snapshots engine counters at `now`; the controller calls it at the start of every tick. */
  sample(now: number): void;
  /** Traffic of a deployment's variant (answered by `model`/`version`) over [fromMs, toMs]. */
  variant(
    deployment: string,
    variant: string,
    model: string,
    version: number,
    fromMs: number,
    toMs: number,
  ): Promise<ServingObservation>;
  /** Mirrored traffic over [fromMs, toMs]; null when this process does not see shadow calls. */
  shadow(deployment: string, fromMs: number, toMs: number): Promise<ShadowObservation | null>;
}

/** The engine surface `engineServingSignals` needs (`InferenceEngine` fits). */
export interface ObservedEngine {
  subscribe(listener: EngineListener, types?: readonly EngineEventType[]): () => void;
  modelStats(): ModelStats[];
}

interface Answer {
  readonly at: number;
  readonly variant: string | null;
  readonly version: number;
  readonly latencyUs: number;
}

interface Mirror {
  readonly at: number;
  readonly rows: number;
  readonly latencyUs: number;
  readonly failed: boolean;
  readonly agreement: number | null;
  readonly meanAbsDiff: number | null;
}

interface CounterSample {
  readonly at: number;
  readonly failed: ReadonlyMap<string, { readonly ok: number; readonly failed: number }>;
}

/** p99 (nearest rank) of microsecond latencies, in ms. */
export function p99Ms(latenciesUs: readonly number[]): number | null {
  if (latenciesUs.length === 0) return null;
  const sorted = [...latenciesUs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]! / 1000;
}

function trimmed<T>(list: T[], max: number): T[] {
  return list.length > 2 * max ? list.slice(list.length - max) : list;
}

/**
 * `ServingSignals` from an in-process engine: answered requests and their engine time from
 * `prediction` events, mirrored calls from `shadow` events (outputs compared by the engine), and
 * failures from the engine's per-version counters sampled every tick (a failed request emits no
 * event). Keeps at most `maxEvents` answers and mirrors per deployment. `close()` unsubscribes.
 */
export function engineServingSignals(
  engine: ObservedEngine,
  options: { readonly maxEvents?: number } = {},
): ServingSignals & { close(): void } {
  const max = options.maxEvents ?? 200_000;
  const answers = new Map<string, Answer[]>();
  const mirrors = new Map<string, Mirror[]>();
  const samples: CounterSample[] = [];
  const listener = (e: EngineEvent): void => {
    if (e.type === 'prediction' && e.deployment !== null) {
      const list = answers.get(e.deployment) ?? [];
      list.push({ at: e.at, variant: e.variant, version: e.version, latencyUs: e.latencyUs });
      answers.set(e.deployment, trimmed(list, max));
    } else if (e.type === 'shadow') {
      const first = e.comparison
        ? Object.values(e.comparison.outputs).find((o) => o.meanAbsDiff !== undefined)
        : undefined;
      const list = mirrors.get(e.deployment) ?? [];
      list.push({
        at: e.at,
        rows: e.rows,
        latencyUs: e.latencyUs,
        failed: e.error !== null,
        agreement: e.comparison?.labelAgreement ?? null,
        meanAbsDiff: first?.meanAbsDiff ?? null,
      });
      mirrors.set(e.deployment, trimmed(list, max));
    }
  };
  const unsubscribe = engine.subscribe(listener, ['prediction', 'shadow']);
  const counters = (): Map<string, { ok: number; failed: number }> =>
    new Map(
      engine
        .modelStats()
        .map((s) => [
          `${s.model}/${s.version}`,
          { ok: s.success, failed: s.failure + s.timeouts + s.rejected },
        ]),
    );
  const failedSince = (key: string, fromMs: number): number => {
    // The first sample at or after the window start is the baseline; none yet means no failures seen.
    const base = samples.find((s) => s.at >= fromMs);
    if (!base) return 0;
    const now = counters().get(key)?.failed ?? 0;
    return Math.max(0, now - (base.failed.get(key)?.failed ?? 0));
  };
  const inWindow = <T extends { at: number }>(
    list: readonly T[] | undefined,
    fromMs: number,
    toMs: number,
  ): T[] => (list ?? []).filter((x) => x.at >= fromMs && x.at <= toMs);
  return {
    sample(now) {
      samples.push({ at: now, failed: counters() });
      if (samples.length > 10_000) samples.splice(0, samples.length - 5_000);
    },
    async variant(deployment, variant, model, version, fromMs, toMs) {
      const ok = inWindow(answers.get(deployment), fromMs, toMs).filter(
        (a) => a.variant === variant && a.version === version,
      );
      const errors = failedSince(`${model}/${version}`, fromMs);
      return { requests: ok.length + errors, errors, p99Ms: p99Ms(ok.map((a) => a.latencyUs)) };
    },
    async shadow(deployment, fromMs, toMs) {
      const list = inWindow(mirrors.get(deployment), fromMs, toMs);
      const weighted = (pick: (m: Mirror) => number | null): number | null => {
        let rows = 0;
        let sum = 0;
        for (const m of list) {
          const v = pick(m);
          if (v === null) continue;
          rows += m.rows;
          sum += v * m.rows;
        }
        return rows > 0 ? sum / rows : null;
      };
      const primary = inWindow(answers.get(deployment), fromMs, toMs);
      return {
        requests: list.length,
        errors: list.filter((m) => m.failed).length,
        p99Ms: p99Ms(list.filter((m) => !m.failed).map((m) => m.latencyUs)),
        primaryP99Ms: p99Ms(primary.map((a) => a.latencyUs)),
        labelAgreement: weighted((m) => m.agreement),
        meanAbsDiff: weighted((m) => m.meanAbsDiff),
      };
    },
    close: unsubscribe,
  };
}
