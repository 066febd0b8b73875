import { KeelError } from '../../../core/index.js';
import type { FilterClause, FilterOperator, OrderClause, RunAttribute } from '../../contracts/index.js';
import { placeholderList } from '../internal/sql-helpers.js';
import type { SqlDialect, SqlFragment } from '../sql-dialect.js';
import type { SqlValue } from '../sql-value.js';

/** What `compileRunSearch` needs: the experiments to search and one page's window. */
export interface RunSearchQuery {
  readonly experimentIds: readonly string[];
  readonly filter: readonly FilterClause[];
  readonly orderBy: readonly OrderClause[];
  readonly limit: number;
  readonly offset: number;
}

interface AttributeColumn {
  readonly column: string;
  readonly numeric: boolean;
  readonly nullable: boolean;
}

const ATTRIBUTE_COLUMNS: Readonly<Record<RunAttribute, AttributeColumn>> = {
  id: { column: 'r.id', numeric: false, nullable: false },
  name: { column: 'r.name', numeric: false, nullable: false },
  status: { column: 'r.status', numeric: false, nullable: false },
  start_time: { column: 'r.start_time', numeric: true, nullable: false },
  end_time: { column: 'r.end_time', numeric: true, nullable: true },
  parent_run_id: { column: 'r.parent_run_id', numeric: false, nullable: true },
};

const NUMBER_OPS: readonly FilterOperator[] = ['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN'];
const STRING_OPS: readonly FilterOperator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const TABLES = { param: 'keel_params', tag: 'keel_run_tags', metric: 'keel_latest_metrics' } as const;

/**
 * Compiles a run search to one SQL statement returning run ids in order: AND-ed clauses as
 * inner joins on the latest metrics, params and tags (a run lacking the key never
 * matches, whatever the operator), ordering with missing values last, then start_time DESC, id.
 */
export function compileRunSearch(d: SqlDialect, q: RunSearchQuery): SqlFragment {
  const filters = compileFilters(d, q.filter);
  const order = compileOrder(q.orderBy, filters.joined);
  const scope: SqlFragment =
    q.experimentIds.length > 0
      ? { sql: `r.experiment_id IN ${placeholderList(q.experimentIds.length)}`, params: q.experimentIds }
      : {
          sql: "r.experiment_id IN (SELECT id FROM keel_experiments WHERE lifecycle_stage = 'active')",
          params: [],
        };
  const where = [scope.sql, ...filters.where].join(' AND ');
  const orderBy = [...order.exprs, 'r.start_time DESC', 'r.id ASC'].join(', ');
  return {
    sql: `SELECT r.id AS id FROM keel_runs r ${filters.joins.join(' ')} ${order.joins.join(' ')} WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    params: [
      ...filters.joinParams,
      ...order.params,
      ...scope.params,
      ...filters.whereParams,
      q.limit,
      q.offset,
    ],
  };
}

interface CompiledFilters {
  readonly joins: string[];
  readonly joinParams: SqlValue[];
  readonly where: string[];
  readonly whereParams: SqlValue[];
  /** `kind:key` → alias of the inner join that filters on it (its value is never missing). */
  readonly joined: Map<string, string>;
}

function compileFilters(d: SqlDialect, filter: readonly FilterClause[]): CompiledFilters {
  const out: CompiledFilters = { joins: [], joinParams: [], where: [], whereParams: [], joined: new Map() };
  filter.forEach((clause, i) => {
    if (clause.kind === 'attribute') {
      const f = attributeCondition(d, clause);
      out.where.push(f.sql);
      out.whereParams.push(...f.params);
      return;
    }
    // (run_id, key) is unique in each table, so an inner join keeps one row per run, like
    // EXISTS, but lets the planner start from the (key, value) index of a selective clause.
    const alias = `f${i}`;
    const f = joinCondition(d, clause, alias);
    out.joins.push(f.sql);
    out.joinParams.push(...f.params);
    if (!out.joined.has(`${clause.kind}:${clause.key}`))
      out.joined.set(`${clause.kind}:${clause.key}`, alias);
  });
  return out;
}

function compileOrder(
  orderBy: readonly OrderClause[],
  joined: ReadonlyMap<string, string>,
): { joins: string[]; params: SqlValue[]; exprs: string[] } {
  const out = { joins: [] as string[], params: [] as SqlValue[], exprs: [] as string[] };
  orderBy.forEach((o, i) => {
    const dir = o.descending ? 'DESC' : 'ASC';
    const filtered = joined.get(`${o.kind}:${o.key}`);
    if (o.kind === 'attribute' || filtered) {
      // A filtered key is never missing; non-null attributes need no missing-last term either,
      // which lets the database walk an index in order and stop at the page size.
      const a = o.kind === 'attribute' ? attribute(o.key) : { column: `${filtered}.value`, nullable: false };
      if (a.nullable) out.exprs.push(`CASE WHEN ${a.column} IS NULL THEN 1 ELSE 0 END`);
      out.exprs.push(`${a.column} ${dir}`);
      return;
    }
    if (!(o.kind in TABLES)) throw badClause(`unknown order kind "${String(o.kind)}"`);
    const a = `o${i}`;
    out.joins.push(
      `LEFT JOIN ${TABLES[o.kind as keyof typeof TABLES]} ${a} ON ${a}.run_id = r.id AND ${a}.key = ?`,
    );
    out.params.push(o.key);
    const expr =
      o.kind === 'metric' ? `CASE WHEN ${a}.is_nan = 1 THEN NULL ELSE ${a}.value END` : `${a}.value`;
    out.exprs.push(`CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END`, `${expr} ${dir}`);
  });
  return out;
}

function attributeCondition(d: SqlDialect, c: FilterClause): SqlFragment {
  const { column, numeric } = attribute(c.key);
  return numeric ? numberCondition(column, c) : stringCondition(d, column, c);
}

function joinCondition(d: SqlDialect, c: FilterClause, a: string): SqlFragment {
  if (!(c.kind in TABLES)) throw badClause(`unknown clause kind "${String(c.kind)}"`);
  const t = TABLES[c.kind as keyof typeof TABLES];
  const cond =
    c.kind === 'metric'
      ? numberCondition(`${a}.value`, c, `${a}.is_nan = 0 AND `)
      : stringCondition(d, `${a}.value`, c);
  return {
    sql: `JOIN ${t} ${a} ON ${a}.run_id = r.id AND ${a}.key = ? AND ${cond.sql}`,
    params: [c.key, ...cond.params],
  };
}

function numberCondition(column: string, c: FilterClause, prefix = ''): SqlFragment {
  if (!NUMBER_OPS.includes(c.op)) {
    throw badClause(`${describe(c)} compares numbers: use one of ${NUMBER_OPS.join(', ')}, not ${c.op}`);
  }
  const values = listOrOne(c).map((v) => {
    const n = typeof v === 'number' ? v : Number.NaN;
    if (Number.isNaN(n)) throw badClause(`${describe(c)} needs a number, got ${JSON.stringify(v)}`);
    return n;
  });
  return opCondition(column, c.op, values, prefix);
}

function stringCondition(d: SqlDialect, column: string, c: FilterClause): SqlFragment {
  if (!STRING_OPS.includes(c.op)) {
    throw badClause(`${describe(c)} compares strings: use one of ${STRING_OPS.join(', ')}, not ${c.op}`);
  }
  const values = listOrOne(c).map((v) => String(v));
  if (c.op === 'LIKE' || c.op === 'ILIKE') return d.like(column, values[0]!, c.op === 'ILIKE');
  return opCondition(column, c.op, values, '');
}

function opCondition(
  column: string,
  op: FilterOperator,
  values: readonly SqlValue[],
  prefix: string,
): SqlFragment {
  if (op === 'IN' || op === 'NOT IN') {
    return { sql: `${prefix}${column} ${op} ${placeholderList(values.length)}`, params: values };
  }
  return { sql: `${prefix}${column} ${op === '!=' ? '<>' : op} ?`, params: values };
}

function listOrOne(c: FilterClause): readonly (string | number)[] {
  const list = c.op === 'IN' || c.op === 'NOT IN';
  if (list !== Array.isArray(c.value)) {
    throw badClause(`${describe(c)} ${list ? 'needs a list of values' : 'needs a single value, not a list'}`);
  }
  const values = (Array.isArray(c.value) ? c.value : [c.value]) as readonly (string | number)[];
  if (values.length === 0) throw badClause(`${describe(c)} needs at least one value`);
  for (const v of values) {
    if (typeof v !== 'string' && typeof v !== 'number')
      throw badClause(`${describe(c)} has a value of type ${typeof v}`);
  }
  return values;
}

function attribute(key: string): AttributeColumn {
  const a = ATTRIBUTE_COLUMNS[key as RunAttribute];
  if (!a) {
    throw badClause(`unknown run attribute "${key}"; known: ${Object.keys(ATTRIBUTE_COLUMNS).join(', ')}`);
  }
  return a;
}

function describe(c: FilterClause): string {
  return `${c.kind === 'attribute' ? 'attributes' : `${c.kind}s`}.${c.key} ${c.op}`;
}

function badClause(reason: string): KeelError {
  return new KeelError('KEEL_TRACK_BAD_FILTER', `Bad run search: ${reason}.`, { details: { reason } });
}
