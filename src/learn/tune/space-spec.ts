/**
 * Search-space specs as plain data: float, int and categorical parameters, some conditional on a
 * parent's value. `defineSpace` (space.ts) checks them.
 */

/** A categorical choice (and the value type of a condition): as Optuna, None/bool/int/float/str. */
export type ChoiceValue = string | number | boolean | null;

/** A sampled parameter value: a number for float/int parameters, one of the choices for categoricals. */
export type ParamValue = ChoiceValue;

/** The sampled values of one trial, keyed by parameter name; inactive conditional parameters are absent. */
export type Params = Readonly<Record<string, ParamValue>>;

/**
 * Makes a parameter conditional: it is active only when every named parent is active and has one of
 * the listed values (e.g. `{ booster: ['linear'] }`).
 */
export type Condition = Readonly<Record<string, readonly ChoiceValue[]>>;

/**
 * A float in [low, high]. `log` samples on the log scale (needs low > 0); `step` makes it discrete
 * (low, low+step, …, high; high − low must be a multiple of step). `log` and `step` exclude each other.
 */
export interface FloatParamSpec {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
  readonly step?: number;
  readonly when?: Condition;
}

/**
 * An integer in [low, high] by `step` (default 1; high − low must be a multiple of it). `log` samples
 * on the log scale (needs low ≥ 1 and step 1).
 */
export interface IntParamSpec {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly step?: number;
  readonly log?: boolean;
  readonly when?: Condition;
}

/** One of a list of distinct choices (at least one). */
export interface CategoricalParamSpec {
  readonly type: 'categorical';
  readonly choices: readonly ChoiceValue[];
  readonly when?: Condition;
}

/** One parameter of a search space. */
export type ParamSpec = FloatParamSpec | IntParamSpec | CategoricalParamSpec;

/**
 * A search space as plain data: parameter name → spec. Parameters are sampled in declaration order,
 * except that a conditional parameter always comes after its parents.
 */
export type SpaceSpec = Readonly<Record<string, ParamSpec>>;
