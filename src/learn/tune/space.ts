import { KeelError } from '../../core/index.js';
import { checkParamShape, type ResolvedParam, resolveParam } from './param.js';
import type { ChoiceValue, Params, SpaceSpec } from './space-spec.js';

/**
 * Search spaces for tuning: float, int and categorical parameters, some of them conditional on a
 * parent's value. A space is checked when it is defined, so a study never starts on a space that
 * cannot be sampled.
 */

/** A checked search space; build one with `defineSpace`. */
export class SearchSpace {
  /** The parameters in sampling order (parents before children). */
  readonly params: readonly ResolvedParam[];
  private readonly byName: ReadonlyMap<string, ResolvedParam>;

  private constructor(
    readonly spec: SpaceSpec,
    params: readonly ResolvedParam[],
  ) {
    this.params = params;
    this.byName = new Map(params.map((p) => [p.name, p]));
  }

  /** Checks `spec` and builds the space; see `defineSpace`. */
  static define(spec: SpaceSpec): SearchSpace {
    if (spec === null || typeof spec !== 'object' || Object.keys(spec).length === 0) {
      throw badSpace(
        '',
        'The search space has no parameters. Add at least one, e.g. { lr: { type: "float", low: 1e-3, high: 0.3, log: true } }.',
      );
    }
    const declared = Object.entries(spec);
    for (const [name, p] of declared) checkParamShape(name, p);
    const resolved = new Map(declared.map(([name, p]) => [name, resolveParam(name, p)]));
    for (const p of resolved.values()) checkConditionTargets(p, resolved);
    const order = topologicalOrder(
      declared.map(([n]) => n),
      resolved,
    );
    for (const name of order) checkSatisfiable(resolved.get(name)!, resolved);
    return new SearchSpace(
      spec,
      order.map((n) => resolved.get(n)!),
    );
  }

  /** The named parameter, or undefined. */
  get(name: string): ResolvedParam | undefined {
    return this.byName.get(name);
  }

  /** True when `param` is active given the (partial) values of its parents in `params`. */
  isActive(param: ResolvedParam, params: Params): boolean {
    for (const c of param.conditions) {
      if (!Object.hasOwn(params, c.parent)) return false;
      const v = params[c.parent];
      if (!c.values.some((x) => sameValue(x, v ?? null))) return false;
    }
    return true;
  }

  /**
   * Checks a complete assignment (an enqueued or resumed trial): every active parameter present and
   * valid, no inactive or unknown parameter. Throws KEEL_TUNE_BAD_SPACE naming the parameter.
   */
  checkParams(params: Params): void {
    for (const name of Object.keys(params)) {
      if (!this.byName.has(name))
        throw badSpace(
          name,
          `Parameter "${name}" is not in the search space (known: ${[...this.byName.keys()].join(', ')}).`,
        );
    }
    for (const p of this.params) {
      const active = this.isActive(p, params);
      const has = Object.hasOwn(params, p.name);
      if (active && !has) throw badSpace(p.name, `Parameter "${p.name}" is active but has no value.`);
      if (!active && has)
        throw badSpace(
          p.name,
          `Parameter "${p.name}" is inactive (its condition is not met) but has a value.`,
        );
      if (has && !p.contains(params[p.name] ?? null)) {
        throw badSpace(
          p.name,
          `Parameter "${p.name}" value ${JSON.stringify(params[p.name])} is outside its ${p.describe()}.`,
        );
      }
    }
  }
}

/**
 * Checks and builds a search space. Empty or contradictory spaces — low ≥ high, a log range with
 * low ≤ 0, both log and step, a step that does not divide the range, no or duplicate choices, a
 * condition on an unknown parameter or on a value the parent cannot take, a cycle of conditions, a
 * parameter that can never be active — fail with KEEL_TUNE_BAD_SPACE naming the parameter.
 */
export function defineSpace(spec: SpaceSpec): SearchSpace {
  return SearchSpace.define(spec);
}

/** Equality of parameter values (NaN is never a valid value, so plain identity suffices). */
export function sameValue(a: ChoiceValue, b: ChoiceValue): boolean {
  return a === b;
}

function badSpace(param: string, message: string): KeelError {
  return new KeelError('KEEL_TUNE_BAD_SPACE', message, { details: { param } });
}

function checkConditionTargets(p: ResolvedParam, all: ReadonlyMap<string, ResolvedParam>): void {
  for (const c of p.conditions) {
    const parent = all.get(c.parent);
    if (parent === undefined) {
      throw badSpace(
        p.name,
        `Parameter "${p.name}" is conditional on "${c.parent}", which is not in the search space (known: ${[...all.keys()].join(', ')}).`,
      );
    }
    if (c.values.length === 0) {
      throw badSpace(
        p.name,
        `Parameter "${p.name}": the condition on "${c.parent}" lists no values, so it can never be active.`,
      );
    }
    for (const v of c.values) {
      if (!parent.contains(v)) {
        throw badSpace(
          p.name,
          `Parameter "${p.name}": the condition value ${JSON.stringify(v)} is not a value "${c.parent}" can take (${parent.describe()}).`,
        );
      }
    }
  }
}

function topologicalOrder(declared: readonly string[], all: ReadonlyMap<string, ResolvedParam>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw badSpace(
        name,
        `Parameter "${name}" is in a cycle of conditions: ${cycle.join(' → ')}. Conditions must form a tree.`,
      );
    }
    state.set(name, 'visiting');
    for (const c of all.get(name)!.conditions) visit(c.parent, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of declared) visit(name, []);
  return order;
}

/** Every ancestor's allowed values along all condition chains must intersect, else the param is dead. */
function checkSatisfiable(p: ResolvedParam, all: ReadonlyMap<string, ResolvedParam>): void {
  const allowed = new Map<string, ChoiceValue[]>();
  const collect = (q: ResolvedParam): void => {
    for (const c of q.conditions) {
      const prev = allowed.get(c.parent);
      const next =
        prev === undefined ? [...c.values] : prev.filter((v) => c.values.some((w) => sameValue(v, w)));
      if (next.length === 0) {
        throw badSpace(
          p.name,
          `Parameter "${p.name}" can never be active: its conditions need "${c.parent}" to take values that exclude each other.`,
        );
      }
      allowed.set(c.parent, next);
      collect(all.get(c.parent)!);
    }
  };
  collect(p);
}
