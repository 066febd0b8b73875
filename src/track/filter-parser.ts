import type { FilterClause, FilterOperator, OrderClause } from '../storage/index.js';
import { filterError, type Token, tokenize } from './internal/filter-lexer.js';
import { type KeyReference, readKeyReference, show } from './internal/key-reference.js';

const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);
const NUMBER_OPS: readonly FilterOperator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING_OPS: readonly FilterOperator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

/**
 * Parses MLflow's run filter grammar: `clause (AND clause)*`, where a clause is
 * `<metrics|params|tags|attributes>.<key> <op> <value>` (keys with special characters in
 * backticks or double quotes; bare attribute names allowed). Metrics and start/end times compare
 * numbers (`= != < <= > >=`); params, tags and other attributes compare quoted strings
 * (`= != LIKE ILIKE IN (...) NOT IN (...)`). An empty expression is no filter.
 * Bad input fails with `KEEL_TRACK_BAD_FILTER` naming the character position.
 */
export function parseRunFilter(expression: string): FilterClause[] {
  const tokens = tokenize(expression);
  const clauses: FilterClause[] = [];
  let i = 0;
  if (tokens[0]!.type === 'end') return clauses;
  for (;;) {
    const { clause, next } = readClause(expression, tokens, i);
    clauses.push(clause);
    const t = tokens[next]!;
    if (t.type === 'end') return clauses;
    if (t.type === 'ident' && t.text.toUpperCase() === 'AND') {
      i = next + 1;
      continue;
    }
    if (t.type === 'ident' && t.text.toUpperCase() === 'OR') {
      throw filterError(
        expression,
        t.pos,
        'OR is not supported (clauses are AND-ed); run one search per alternative, or use IN (...)',
      );
    }
    throw filterError(expression, t.pos, `expected AND or the end after the clause, found ${show(t)}`);
  }
}

function readClause(
  source: string,
  tokens: readonly Token[],
  at: number,
): { clause: FilterClause; next: number } {
  const { ref, next } = readKeyReference(source, tokens, at);
  const { op, next: afterOp, pos } = readOperator(source, tokens, next, ref);
  const numeric = ref.kind === 'metric' || (ref.kind === 'attribute' && NUMERIC_ATTRIBUTES.has(ref.key));
  const allowed = numeric ? NUMBER_OPS : STRING_OPS;
  if (!allowed.includes(op)) {
    throw filterError(
      source,
      pos,
      `${ref.label} compares ${numeric ? 'numbers' : 'strings'}: use ${allowed.join(', ')}`,
    );
  }
  if (op === 'IN' || op === 'NOT IN') {
    const { values, next: end } = readList(source, tokens, afterOp, ref, numeric);
    return { clause: { kind: ref.kind, key: ref.key, op, value: values }, next: end };
  }
  const value = readValue(source, tokens[afterOp]!, ref, numeric);
  return { clause: { kind: ref.kind, key: ref.key, op, value }, next: afterOp + 1 };
}

function readOperator(
  source: string,
  tokens: readonly Token[],
  at: number,
  ref: KeyReference,
): { op: FilterOperator; next: number; pos: number } {
  const t = tokens[at]!;
  if (t.type === 'op') return { op: t.text as FilterOperator, next: at + 1, pos: t.pos };
  const word = t.type === 'ident' ? t.text.toUpperCase() : '';
  if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return { op: word, next: at + 1, pos: t.pos };
  if (word === 'NOT' && tokens[at + 1]?.type === 'ident' && tokens[at + 1]!.text.toUpperCase() === 'IN') {
    return { op: 'NOT IN', next: at + 2, pos: t.pos };
  }
  throw filterError(
    source,
    t.pos,
    `expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) after ${ref.label}, found ${show(t)}`,
  );
}

function readValue(source: string, t: Token, ref: KeyReference, numeric: boolean): string | number {
  if (numeric) {
    if (t.type === 'number') return Number(t.text);
    if (
      t.type === 'string' &&
      ref.kind === 'attribute' &&
      Number.isFinite(Number(t.text)) &&
      t.text.trim() !== ''
    ) {
      return Number(t.text);
    }
    throw filterError(
      source,
      t.pos,
      `${ref.label} needs a number${ref.kind === 'attribute' ? ' (epoch milliseconds)' : ''}, found ${show(t)}`,
    );
  }
  // Params and tags are strings; an unquoted number is taken as written (params.depth = 6 means '6').
  if (t.type === 'string' || t.type === 'number') return t.text;
  throw filterError(
    source,
    t.pos,
    `${ref.label} needs a quoted string value, e.g. '${ref.kind === 'attribute' ? 'FINISHED' : 'gbdt'}', found ${show(t)}`,
  );
}

function readList(
  source: string,
  tokens: readonly Token[],
  at: number,
  ref: KeyReference,
  numeric: boolean,
): { values: (string | number)[]; next: number } {
  const open = tokens[at]!;
  if (open.type !== '(')
    throw filterError(
      source,
      open.pos,
      `IN needs a parenthesised list, e.g. ('a', 'b'); found ${show(open)}`,
    );
  const values: (string | number)[] = [];
  let i = at + 1;
  for (;;) {
    values.push(readValue(source, tokens[i]!, ref, numeric));
    const sep = tokens[i + 1]!;
    if (sep.type === ')') return { values, next: i + 2 };
    if (sep.type !== ',')
      throw filterError(source, sep.pos, `expected "," or ")" in the list, found ${show(sep)}`);
    i += 2;
  }
}

/**
 * Parses order terms: `metrics.auc DESC`, `attributes.start_time`, `params.lr ASC`, given as one
 * comma-separated string or a list. ASC is the default. `KEEL_TRACK_BAD_FILTER` on bad input.
 */
export function parseRunOrder(expression: string | readonly string[]): OrderClause[] {
  const parts = typeof expression === 'string' ? [expression] : expression;
  const out: OrderClause[] = [];
  for (const part of parts) {
    const tokens = tokenize(part);
    if (tokens[0]!.type === 'end') continue;
    let i = 0;
    for (;;) {
      const { ref, next } = readKeyReference(part, tokens, i);
      let descending = false;
      let t = tokens[next]!;
      i = next;
      if (t.type === 'ident' && /^(ASC|DESC)$/i.test(t.text)) {
        descending = t.text.toUpperCase() === 'DESC';
        t = tokens[++i]!;
      }
      out.push({ kind: ref.kind, key: ref.key, descending });
      if (t.type === 'end') break;
      if (t.type !== ',')
        throw filterError(
          part,
          t.pos,
          `expected ASC, DESC, "," or the end after ${ref.label}, found ${show(t)}`,
        );
      i++;
    }
  }
  return out;
}
