import { KeelError } from '../../core/index.js';
import type { ChoiceValue, ParamSpec, ParamValue } from './space-spec.js';

/** One condition of a parameter: active only when `parent` is active and takes one of `values`. */
export interface ParamCondition {
  readonly parent: string;
  readonly values: readonly ChoiceValue[];
}

/**
 * A checked parameter of a search space, with the conversions samplers use: `toInternal` maps a value
 * to Optuna's internal number (the value itself for floats and ints, the choice index for categoricals).
 */
export class ResolvedParam {
  /** True when the parameter can take a single value only (a categorical with one choice). */
  readonly single: boolean;

  constructor(
    readonly name: string,
    readonly kind: 'float' | 'int' | 'categorical',
    /** Range of a float or int parameter; NaN for categoricals. */
    readonly low: number,
    readonly high: number,
    /** Step of an int or stepped float; null for continuous floats and categoricals. */
    readonly step: number | null,
    readonly log: boolean,
    /** Choices of a categorical; empty otherwise. */
    readonly choices: readonly ChoiceValue[],
    readonly conditions: readonly ParamCondition[],
  ) {
    this.single = kind === 'categorical' && choices.length === 1;
  }

  /** True when `v` is a value this parameter can take. */
  contains(v: ChoiceValue): boolean {
    if (this.kind === 'categorical') return this.choices.some((c) => c === v);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < this.low || v > this.high) return false;
    if (this.kind === 'int') return Number.isInteger(v) && (v - this.low) % this.step! === 0;
    if (this.step === null) return true;
    const k = (v - this.low) / this.step;
    return Math.abs(k - Math.round(k)) <= 1e-8;
  }

  /** A short description of the parameter's domain, for messages. */
  describe(): string {
    if (this.kind === 'categorical') return `choices ${JSON.stringify(this.choices)}`;
    const extra = [
      this.log ? 'log' : '',
      this.step !== null && !(this.kind === 'int' && this.step === 1) ? `step ${this.step}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${this.kind} range [${this.low}, ${this.high}]${extra ? ` (${extra})` : ''}`;
  }

  /** The internal number of a value (Optuna's `to_internal_repr`). */
  toInternal(v: ParamValue): number {
    if (this.kind === 'categorical') return this.choices.indexOf(v);
    return v as number;
  }

  /** The value of an internal number (Optuna's `to_external_repr`). */
  toExternal(x: number): ParamValue {
    if (this.kind === 'categorical') return this.choices[x] ?? null;
    return x;
  }
}

const KEYS: Readonly<Record<ParamSpec['type'], readonly string[]>> = {
  float: ['type', 'low', 'high', 'log', 'step', 'when'],
  int: ['type', 'low', 'high', 'log', 'step', 'when'],
  categorical: ['type', 'choices', 'when'],
};

function bad(param: string, message: string): KeelError {
  return new KeelError('KEEL_TUNE_BAD_SPACE', message, { details: { param } });
}

/** Checks one parameter spec on its own (conditions' targets are checked by the space). */
export function checkParamShape(name: string, p: ParamSpec): void {
  if (name.length === 0) throw bad(name, 'A search-space parameter has an empty name.');
  if (p === null || typeof p !== 'object' || !Object.hasOwn(KEYS, p.type)) {
    throw bad(name, `Parameter "${name}" needs type "float", "int" or "categorical".`);
  }
  for (const key of Object.keys(p)) {
    if (!KEYS[p.type].includes(key)) {
      throw bad(
        name,
        `Parameter "${name}" (${p.type}) has unknown option "${key}" (known: ${KEYS[p.type].join(', ')}).`,
      );
    }
  }
  if (p.when !== undefined) checkWhen(name, p.when);
  if (p.type === 'categorical') checkChoices(name, p.choices);
  else checkRange(name, p.type, p.low, p.high, p.log === true, p.step);
}

function checkWhen(name: string, when: unknown): void {
  if (when === null || typeof when !== 'object' || Array.isArray(when)) {
    throw bad(
      name,
      `Parameter "${name}": "when" must map parent names to lists of values, e.g. { booster: ["linear"] }.`,
    );
  }
  for (const [parent, values] of Object.entries(when)) {
    if (parent === name)
      throw bad(name, `Parameter "${name}" is conditional on itself (a cycle of conditions).`);
    if (!Array.isArray(values)) {
      throw bad(name, `Parameter "${name}": the condition on "${parent}" must be a list of values.`);
    }
  }
}

function checkChoices(name: string, choices: unknown): void {
  if (!Array.isArray(choices) || choices.length === 0) {
    throw bad(name, `Parameter "${name}" has no choices; list at least one.`);
  }
  choices.forEach((c: unknown, i) => {
    const ok =
      c === null ||
      typeof c === 'string' ||
      typeof c === 'boolean' ||
      (typeof c === 'number' && Number.isFinite(c));
    if (!ok)
      throw bad(name, `Parameter "${name}" choice #${i} must be a string, finite number, boolean or null.`);
    if (choices.indexOf(c) !== i)
      throw bad(name, `Parameter "${name}" lists the choice ${JSON.stringify(c)} twice.`);
  });
}

function checkRange(
  name: string,
  type: 'float' | 'int',
  low: number,
  high: number,
  log: boolean,
  step: number | undefined,
): void {
  if (
    typeof low !== 'number' ||
    typeof high !== 'number' ||
    !Number.isFinite(low) ||
    !Number.isFinite(high)
  ) {
    throw bad(name, `Parameter "${name}" needs finite numbers low and high.`);
  }
  if (low >= high) throw bad(name, `Parameter "${name}" needs low < high (got low=${low}, high=${high}).`);
  if (log && low <= 0)
    throw bad(name, `Parameter "${name}" is on a log scale and needs low > 0 (got low=${low}).`);
  if (step !== undefined && (typeof step !== 'number' || !Number.isFinite(step) || step <= 0)) {
    throw bad(name, `Parameter "${name}" needs a positive step (got ${step}).`);
  }
  if (type === 'int') {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw bad(name, `Parameter "${name}" is an int and needs integer low and high (got ${low}, ${high}).`);
    }
    const s = step ?? 1;
    if (!Number.isInteger(s))
      throw bad(name, `Parameter "${name}" is an int and needs an integer step (got ${s}).`);
    if (log && s !== 1)
      throw bad(name, `Parameter "${name}": an int on a log scale needs step 1 (got ${s}).`);
    if ((high - low) % s !== 0) {
      throw bad(
        name,
        `Parameter "${name}": high − low (${high - low}) is not a multiple of step ${s}; use high=${high - ((high - low) % s)}.`,
      );
    }
    return;
  }
  if (log && step !== undefined) throw bad(name, `Parameter "${name}" cannot have both log and step.`);
  if (step !== undefined) {
    const k = Math.round((high - low) / step);
    if (Math.abs(low + k * step - high) > 1e-9 * Math.max(Math.abs(high - low), step)) {
      const fixed = Number((low + Math.floor((high - low) / step + 1e-9) * step).toPrecision(15));
      throw bad(
        name,
        `Parameter "${name}": high − low is not a multiple of step ${step}; use high=${fixed}.`,
      );
    }
  }
}

/** Builds the resolved parameter from a shape-checked spec. */
export function resolveParam(name: string, p: ParamSpec): ResolvedParam {
  const conditions = Object.entries(p.when ?? {}).map(([parent, values]) => ({
    parent,
    values: [...values],
  }));
  if (p.type === 'categorical')
    return new ResolvedParam(
      name,
      'categorical',
      Number.NaN,
      Number.NaN,
      null,
      false,
      [...p.choices],
      conditions,
    );
  const step = p.type === 'int' ? (p.step ?? 1) : (p.step ?? null);
  return new ResolvedParam(name, p.type, p.low, p.high, step, p.log === true, [], conditions);
}
