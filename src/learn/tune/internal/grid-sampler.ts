import { KeelError } from '../../../core/index.js';
import type { ResolvedParam } from '../param.js';
import type { SearchSpace } from '../space.js';
import type { Params, ParamValue } from '../space-spec.js';
import type { TrialRecord } from '../trial.js';
import { RandomState } from './random-state.js';
import type { SamplerImpl, SamplerStateData, SamplingContext } from './sampler-impl.js';

/** Grids larger than this are refused: enumerate a smaller space or use random/TPE. */
export const MAX_GRID_POINTS = 1_000_000;

/** The values a parameter takes on the grid (ints by step, stepped floats, choices). */
function gridValues(p: ResolvedParam): ParamValue[] {
  if (p.kind === 'categorical') return [...p.choices];
  if (p.step === null) {
    throw new KeelError(
      'KEEL_TUNE_BAD_SPACE',
      `Grid search needs discrete parameters: "${p.name}" is a continuous float. Give it a step, or use the random or TPE sampler.`,
      { details: { param: p.name } },
    );
  }
  const n = Math.round((p.high - p.low) / p.step);
  if (n + 1 > MAX_GRID_POINTS) throw tooLarge(p.name);
  // 15 significant digits drop the binary noise of low + i·step (0.30000000000000004 → 0.3).
  return Array.from({ length: n + 1 }, (_, i) =>
    i === n ? p.high : Number((p.low + i * p.step!).toPrecision(15)),
  );
}

function tooLarge(name: string): KeelError {
  return new KeelError(
    'KEEL_TUNE_BAD_SPACE',
    `The grid has more than ${MAX_GRID_POINTS} points (at parameter "${name}"). Coarsen the steps or use the random or TPE sampler.`,
    { details: { param: name } },
  );
}

/** Every grid point (conditional parameters only where active), in sampling order, depth first. */
export function enumerateGrid(space: SearchSpace): Params[] {
  const values = new Map(space.params.map((p) => [p.name, gridValues(p)]));
  let points: Record<string, ParamValue>[] = [{}];
  for (const p of space.params) {
    const next: Record<string, ParamValue>[] = [];
    for (const point of points) {
      if (!space.isActive(p, point)) next.push(point);
      else for (const v of values.get(p.name)!) next.push({ ...point, [p.name]: v });
      if (next.length > MAX_GRID_POINTS) throw tooLarge(p.name);
    }
    points = next;
  }
  return points;
}

/** A canonical key of a parameter assignment, for matching trials to grid points. */
function keyOf(space: SearchSpace, params: Params): string {
  return JSON.stringify(space.params.map((p) => (Object.hasOwn(params, p.name) ? params[p.name] : '\u0000')));
}

/**
 * Optuna's GridSampler: each trial takes a random grid point not yet finished nor running; when all
 * unfinished points are running it takes one of those; a fully finished grid is exhausted.
 */
export class GridSamplerImpl implements SamplerImpl {
  private grid: Params[] | undefined;
  private index: Map<string, number> | undefined;

  constructor(private readonly rng: RandomState) {}

  static create(seed: number, state: SamplerStateData | undefined): GridSamplerImpl {
    return new GridSamplerImpl(state?.grid ? RandomState.fromData(state.grid) : RandomState.fromSeed(seed));
  }

  /** Checks the space can be gridded (throws KEEL_TUNE_BAD_SPACE) and returns the number of points. */
  size(space: SearchSpace): number {
    this.grid ??= enumerateGrid(space);
    return this.grid.length;
  }

  sampleRelative(ctx: SamplingContext): ReadonlyMap<string, ParamValue> {
    this.size(ctx.space);
    const { unvisited, running } = this.classify(ctx.space, ctx.trials, ctx.number);
    const targets = unvisited.length > 0 ? unvisited : running;
    if (targets.length === 0) {
      throw new KeelError(
        'KEEL_TUNE_GRID_EXHAUSTED',
        `Every one of the ${this.grid!.length} grid points has been evaluated.`,
        {
          details: { points: this.grid!.length },
        },
      );
    }
    const pick = targets[Math.floor(this.rng.randomSample() * targets.length)]!;
    return new Map(Object.entries(this.grid![pick]!));
  }

  sampleIndependent(_ctx: SamplingContext, param: ResolvedParam): ParamValue {
    // Only reached for parameters a grid point leaves out; the study never asks for those.
    throw new KeelError('KEEL_INTERNAL', `Grid sampler asked for "${param.name}" outside its grid point.`);
  }

  isExhausted(ctx: Omit<SamplingContext, 'number'>): boolean {
    this.size(ctx.space);
    const { unvisited, running } = this.classify(ctx.space, ctx.trials, -1);
    return unvisited.length === 0 && running.length === 0;
  }

  toState(): SamplerStateData {
    return { grid: this.rng.toData() };
  }

  private classify(
    space: SearchSpace,
    trials: readonly TrialRecord[],
    current: number,
  ): { unvisited: number[]; running: number[] } {
    this.index ??= new Map(this.grid!.map((point, i) => [keyOf(space, point), i]));
    // 0 unvisited, 1 running, 2 finished (any state, as Optuna counts failed points as visited).
    const mark = new Uint8Array(this.grid!.length);
    for (const t of trials) {
      if (t.number === current) continue;
      const i = this.index.get(keyOf(space, t.params));
      if (i !== undefined) mark[i] = Math.max(mark[i]!, t.state === 'running' ? 1 : 2);
    }
    const unvisited: number[] = [];
    const running: number[] = [];
    mark.forEach((m, i) => {
      if (m === 0) unvisited.push(i);
      else if (m === 1) running.push(i);
    });
    return { unvisited, running };
  }
}
