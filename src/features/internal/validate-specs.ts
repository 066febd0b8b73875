import { isValidName } from '../../core/index.js';
import type {
  DataSourceSpec,
  EntitySpec,
  FeatureServiceSpec,
  FeatureViewSpec,
  FieldSpec,
  ObjectSpec,
  OnDemandFeatureViewSpec,
  ProjectionSpec,
} from '../specs.js';
import { KIND_LABELS } from '../specs.js';
import { VALUE_TYPES } from '../value-types.js';

/** Column names: a letter or `_`, then letters, digits, `_` (not starting with `__keel`). */
const COLUMN_RE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const TOPIC_RE = /^[A-Za-z0-9_-]{1,64}$/;
const RESERVED = new Set(['event_timestamp', 'created_timestamp']);
const KEY_TYPES = new Set(['string', 'int32', 'int64']);

type Problem = (what: string) => void;

interface Index {
  readonly entities: Map<string, EntitySpec>;
  readonly sources: Map<string, DataSourceSpec>;
  readonly views: Map<string, FeatureViewSpec>;
  readonly odfvs: Map<string, OnDemandFeatureViewSpec>;
}

function checkFields(fields: readonly FieldSpec[] | undefined, what: string, problem: Problem): void {
  if (!Array.isArray(fields) || fields.length === 0) {
    problem(`${what} must list at least one field`);
    return;
  }
  const seen = new Set<string>();
  for (const f of fields) {
    if (typeof f?.name !== 'string' || !COLUMN_RE.test(f.name) || f.name.startsWith('__keel')) {
      problem(
        `${what}: ${JSON.stringify(f?.name)} is not a valid column name (a letter or _, then letters, digits, _)`,
      );
    } else if (seen.has(f.name)) problem(`${what}: "${f.name}" appears twice`);
    seen.add(f?.name);
    if (!VALUE_TYPES.includes(f?.type)) {
      problem(
        `${what}: "${f?.name}" has type ${JSON.stringify(f?.type)}; use one of ${VALUE_TYPES.join(', ')}`,
      );
    }
  }
}

function checkEntity(e: EntitySpec, problem: Problem): void {
  checkFields(e.joinKeys, 'join keys', problem);
  for (const k of e.joinKeys ?? []) {
    if (k && !KEY_TYPES.has(k.type))
      problem(`join key "${k.name}" must be string, int32 or int64, not ${k.type}`);
  }
}

function checkSource(s: DataSourceSpec, index: Index, problem: Problem): void {
  // Push and stream sources with a batch source use its columns, timestamp field included.
  const needTime =
    s.type !== 'request' && !(s.batchSource !== undefined && (s.type === 'push' || s.type === 'stream'));
  if (needTime && (typeof s.timestampField !== 'string' || s.timestampField === '')) {
    problem("needs a timestampField (the column with each row's event time)");
  }
  switch (s.type) {
    case 'file':
      if (typeof s.path !== 'string' || s.path === '') problem('needs a path');
      if (!s.format)
        problem(
          `cannot tell the format of ${JSON.stringify(s.path)}: use a .csv, .parquet or .jsonl file, or set format`,
        );
      break;
    case 'postgres':
      if (typeof s.url !== 'string' || !/^postgres(ql)?:\/\//.test(s.url)) problem('needs a postgres:// url');
      if ((s.table === undefined) === (s.query === undefined)) problem('needs exactly one of table or query');
      break;
    case 'stream':
      if (typeof s.topic !== 'string' || !TOPIC_RE.test(s.topic)) {
        problem(`topic ${JSON.stringify(s.topic)} must be 1-64 letters, digits, _ or -`);
      }
      break;
    case 'request':
      checkFields(s.schema, 'schema', problem);
      break;
    case 'push':
      break;
    default:
      problem(`has unknown type ${JSON.stringify(s.type)}; use file, postgres, push, stream or request`);
  }
  if (s.batchSource !== undefined) {
    const batch = index.sources.get(s.batchSource);
    if (s.type !== 'push' && s.type !== 'stream') problem('only push and stream sources take a batchSource');
    else if (!batch) problem(`batchSource "${s.batchSource}" is not a defined data source`);
    else if (batch.type !== 'file' && batch.type !== 'postgres') {
      problem(`batchSource "${s.batchSource}" must be a file or postgres source, not ${batch.type}`);
    }
  }
}

function checkView(v: FeatureViewSpec, index: Index, problem: Problem): void {
  const keys = new Set<string>();
  for (const e of v.entities ?? []) {
    const entity = index.entities.get(e);
    if (!entity) problem(`entity "${e}" is not defined`);
    for (const k of entity?.joinKeys ?? []) keys.add(k.name);
  }
  const source = index.sources.get(v.source);
  if (!source) problem(`source "${v.source}" is not a defined data source`);
  else if (source.type === 'request')
    problem(`source "${v.source}" is a request source; feature views need a batch, push or stream source`);
  checkFields(v.features, 'features', problem);
  for (const f of v.features ?? []) {
    if (keys.has(f?.name)) problem(`feature "${f.name}" has the name of a join key`);
    if (RESERVED.has(f?.name)) problem(`feature "${f.name}" uses a reserved name`);
    if (source?.timestampField === f?.name) problem(`feature "${f.name}" is the source's timestamp field`);
  }
  if (v.ttlMs !== null && !(Number.isSafeInteger(v.ttlMs) && v.ttlMs > 0))
    problem(`ttl ${String(v.ttlMs)} must be a positive whole number of ms or null`);
  if (typeof v.online !== 'boolean') problem('online must be true or false');
}

function checkProjection(p: ProjectionSpec, index: Index, allowOnDemand: boolean, problem: Problem): void {
  const view = index.views.get(p.view);
  const odfv = allowOnDemand ? index.odfvs.get(p.view) : undefined;
  if (!view && !odfv) {
    problem(`"${p.view}" is not a defined feature view${allowOnDemand ? ' or on-demand feature view' : ''}`);
    return;
  }
  const features = (view ?? odfv)!.features.map((f) => f.name);
  for (const f of p.features ?? []) {
    if (!features.includes(f)) problem(`"${p.view}" has no feature "${f}" (it has ${features.join(', ')})`);
  }
  if (p.features !== undefined && p.features.length === 0)
    problem(`the projection of "${p.view}" selects no features`);
  if (p.alias !== undefined && !isValidName(p.alias))
    problem(`alias ${JSON.stringify(p.alias)} is not a valid name`);
  const keys = view
    ? view.entities.flatMap((e) => index.entities.get(e)?.joinKeys.map((k) => k.name) ?? [])
    : [];
  for (const [key, column] of Object.entries(p.joinKeyMap ?? {})) {
    if (!view) problem(`joinKeyMap applies to feature views only, not "${p.view}"`);
    else if (!keys.includes(key)) problem(`joinKeyMap maps "${key}", which is not a join key of "${p.view}"`);
    if (!COLUMN_RE.test(column))
      problem(`joinKeyMap column ${JSON.stringify(column)} is not a valid column name`);
  }
}

function checkOnDemand(o: OnDemandFeatureViewSpec, index: Index, problem: Problem): void {
  if ((o.sources ?? []).length + (o.requestSources ?? []).length === 0) problem('needs at least one source');
  for (const p of o.sources ?? []) checkProjection(p, index, false, problem);
  for (const r of o.requestSources ?? []) {
    const source = index.sources.get(r);
    if (!source) problem(`request source "${r}" is not defined`);
    else if (source.type !== 'request') problem(`"${r}" is a ${source.type} source, not a request source`);
  }
  checkFields(o.features, 'features', problem);
  if (typeof o.transformHash !== 'string' || !/^[0-9a-f]{64}$/.test(o.transformHash)) {
    problem('has no transform (define it in TypeScript with onDemandFeatureView({ transform }))');
  }
}

function checkService(s: FeatureServiceSpec, index: Index, problem: Problem): void {
  if (!Array.isArray(s.features) || s.features.length === 0) problem('must list at least one feature view');
  for (const p of s.features ?? []) checkProjection(p, index, true, problem);
}

/**
 * Every problem with a set of specs, as sentences naming the object (and its file when known):
 * names, duplicates, references, types, reserved columns. Empty when the set is valid.
 */
export function validateSpecs(specs: readonly ObjectSpec[], origins: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const index: Index = { entities: new Map(), sources: new Map(), views: new Map(), odfvs: new Map() };
  const seen = new Map<string, ObjectSpec>();
  for (const s of specs) {
    const label = `${KIND_LABELS[s.kind] ?? s.kind} "${s.name}"`;
    const where = origins.get(`${s.kind}:${s.name}`);
    const problem: Problem = (what) => problems.push(`${where ? `${where}: ` : ''}${label} ${what}`);
    if (!isValidName(s.name))
      problem('has an invalid name: start with a letter, then letters, digits, _ . - (at most 128)');
    // Feature views and on-demand feature views share the namespace of feature references (`view:feature`).
    const space = s.kind === 'onDemandFeatureView' ? 'featureView' : s.kind;
    const other = seen.get(`${space}:${s.name}`);
    if (other)
      problem(`is defined twice${other.kind !== s.kind ? ` (also as ${KIND_LABELS[other.kind]})` : ''}`);
    seen.set(`${space}:${s.name}`, s);
    if (s.kind === 'entity') index.entities.set(s.name, s);
    else if (s.kind === 'dataSource') index.sources.set(s.name, s);
    else if (s.kind === 'featureView') index.views.set(s.name, s);
    else if (s.kind === 'onDemandFeatureView') index.odfvs.set(s.name, s);
  }
  for (const s of specs) {
    const label = `${KIND_LABELS[s.kind] ?? s.kind} "${s.name}"`;
    const where = origins.get(`${s.kind}:${s.name}`);
    const problem: Problem = (what) => problems.push(`${where ? `${where}: ` : ''}${label} ${what}`);
    if (s.kind === 'entity') checkEntity(s, problem);
    else if (s.kind === 'dataSource') checkSource(s, index, problem);
    else if (s.kind === 'featureView') checkView(s, index, problem);
    else if (s.kind === 'onDemandFeatureView') checkOnDemand(s, index, problem);
    else if (s.kind === 'featureService') checkService(s, index, problem);
    else problems.push(`unknown definition kind ${JSON.stringify((s as { kind: unknown }).kind)}`);
  }
  return problems;
}
