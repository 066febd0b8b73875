import { parseDocument } from 'yaml';
import { KeelError } from '../core/index.js';
import type {
  DataSourceSpec,
  EntitySpec,
  FeatureServiceSpec,
  FeatureViewSpec,
  FieldSpec,
  ObjectSpec,
  ProjectionSpec,
  SourceType,
} from './specs.js';
import { parseTtl } from './timestamps.js';
import { parseValueType, type ValueType } from './value-types.js';

type Node = Record<string, unknown>;

const SECTIONS: Readonly<Record<string, string>> = {
  entities: 'entities',
  sources: 'sources',
  data_sources: 'sources',
  dataSources: 'sources',
  feature_views: 'featureViews',
  featureViews: 'featureViews',
  feature_services: 'featureServices',
  featureServices: 'featureServices',
  project: 'project',
};

const snake = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Reads one YAML node's fields by camelCase name (Feast's snake_case accepted), rejecting unknown keys. */
class Reader {
  private readonly used = new Set<string>();
  constructor(
    private readonly node: Node,
    readonly where: string,
  ) {}

  fail(what: string): never {
    throw new KeelError('KEEL_FEATURE_DEFINITION_INVALID', `${this.where}: ${what}.`, {
      details: { where: this.where },
    });
  }

  raw(key: string): unknown {
    for (const k of [key, snake(key)]) {
      if (Object.hasOwn(this.node, k)) {
        this.used.add(k);
        return this.node[k];
      }
    }
    return undefined;
  }

  string(key: string, required = false): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return required ? this.fail(`"${key}" is required`) : undefined;
    if (typeof v !== 'string' && typeof v !== 'number') this.fail(`"${key}" must be a string`);
    return String(v);
  }

  strings(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      this.fail(`"${key}" must be a list of names`);
    return v as string[];
  }

  record(key: string): Record<string, string> {
    const v = this.raw(key);
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(`"${key}" must be a mapping`);
    return Object.fromEntries(Object.entries(v as Node).map(([k, x]) => [k, String(x)]));
  }

  /** `{ name: type }` or `[{ name, type | dtype }]`. */
  fields(key: string, defaultType?: ValueType): FieldSpec[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((f, i) => {
          if (typeof f === 'string' && defaultType) return [f, defaultType];
          if (!f || typeof f !== 'object') this.fail(`"${key}" item ${i + 1} must be { name, type }`);
          const item = f as Node;
          return [
            String(item.name),
            item.type ?? item.dtype ?? item.value_type ?? item.valueType ?? defaultType,
          ];
        })
      : typeof v === 'object'
        ? Object.entries(v as Node)
        : this.fail(`"${key}" must map names to types, e.g. temp_max: float64`);
    return entries.map(([name, t]) => {
      const type = parseValueType(t);
      if (!type) this.fail(`field "${name}" has unknown type ${JSON.stringify(t)}`);
      return { name, type };
    });
  }

  common(): { name: string; description: string; owner: string; tags: Record<string, string> } {
    return {
      name: this.string('name', true)!,
      description: this.string('description') ?? '',
      owner: this.string('owner') ?? '',
      tags: this.record('tags'),
    };
  }

  done(): void {
    const unknown = Object.keys(this.node).filter((k) => !this.used.has(k));
    if (unknown.length > 0)
      this.fail(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  }
}

function entity(r: Reader): EntitySpec {
  const c = r.common();
  const valueType =
    parseValueType(r.string('valueType') ?? 'string') ?? r.fail('valueType is not a known type');
  const joinKeys = r.fields('joinKeys', valueType) ?? [{ name: c.name, type: valueType }];
  return { kind: 'entity', ...c, joinKeys };
}

function source(r: Reader): DataSourceSpec {
  const c = r.common();
  const type = (r.string('type') ?? 'file') as SourceType;
  const batchSource = r.string('batchSource');
  const optional: Record<string, unknown> = {
    path: r.string('path'),
    format: r.string('format'),
    url: r.string('url'),
    table: r.string('table'),
    query: r.string('query'),
    topic: r.string('topic'),
    batchSource,
    schema: r.fields('schema'),
    timestampField:
      r.string('timestampField') ??
      (type === 'request' || batchSource !== undefined ? undefined : 'event_timestamp'),
    createdTimestampField: r.string('createdTimestampField') ?? r.string('createdTimestampColumn'),
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return {
    kind: 'dataSource',
    ...c,
    type,
    ...present,
    fieldMapping: r.record('fieldMapping'),
  } as DataSourceSpec;
}

function view(r: Reader): FeatureViewSpec {
  const c = r.common();
  const ttl = r.raw('ttl');
  return {
    kind: 'featureView',
    ...c,
    entities: r.strings('entities') ?? [],
    features:
      r.fields('schema') ?? r.fields('features') ?? r.fail('"schema" is required (feature name: type)'),
    source: r.string('source', true)!,
    ttlMs: parseTtl(ttl, r.where),
    online: (r.raw('online') ?? true) === true,
  };
}

function projectionOf(item: unknown, where: string): ProjectionSpec {
  if (typeof item === 'string') {
    const [v, f] = item.split(':');
    return f === undefined ? { view: v! } : { view: v!, features: [f] };
  }
  if (!item || typeof item !== 'object')
    throw new KeelError(
      'KEEL_FEATURE_DEFINITION_INVALID',
      `${where}: expected a view name or { view, features }.`,
    );
  const r = new Reader(item as Node, where);
  const features = r.strings('features');
  const alias = r.string('alias');
  const joinKeyMap = r.raw('joinKeyMap') === undefined ? undefined : r.record('joinKeyMap');
  const p: ProjectionSpec = {
    view: r.string('view', true)!,
    ...(features === undefined ? {} : { features }),
    ...(alias === undefined ? {} : { alias }),
    ...(joinKeyMap === undefined ? {} : { joinKeyMap }),
  };
  r.done();
  return p;
}

function service(r: Reader): FeatureServiceSpec {
  const c = r.common();
  const raw = r.raw('features');
  if (!Array.isArray(raw))
    r.fail('"features" must list feature views, "view:feature" references or { view, features }');
  const merged: ProjectionSpec[] = [];
  (raw as unknown[]).forEach((item, i) => {
    const p = projectionOf(item, `${r.where}.features[${i}]`);
    // Consecutive "view:feature" references to one view merge into one projection.
    const prev = merged.at(-1);
    if (typeof item === 'string' && prev?.view === p.view && prev.features && p.features && !prev.alias) {
      merged[merged.length - 1] = { ...prev, features: [...prev.features, ...p.features] };
    } else merged.push(p);
  });
  return { kind: 'featureService', ...c, features: merged };
}

const BUILDERS: Readonly<Record<string, (r: Reader) => ObjectSpec>> = {
  entities: entity,
  sources: source,
  featureViews: view,
  featureServices: service,
};

/**
 * Parses a YAML definitions file: top-level lists `entities`, `sources`, `featureViews` and
 * `featureServices` (Feast's snake_case spellings accepted), each item a mapping of that object's
 * fields. On-demand feature views need code and are defined in TypeScript only. Fails with
 * `KEEL_FEATURE_DEFINITION_INVALID` naming the file, item and key.
 */
export function parseYamlDefinitions(text: string, file: string): ObjectSpec[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0];
    throw new KeelError(
      'KEEL_FEATURE_DEFINITION_INVALID',
      `${file}${line ? `:${line.line}:${line.col}` : ''}: ${e.message.split('\n')[0]}`,
      { details: { file, ...(line ? { line: line.line, column: line.col } : {}) } },
    );
  }
  const root = (doc.toJS() ?? {}) as Node;
  if (typeof root !== 'object' || Array.isArray(root)) {
    throw new KeelError(
      'KEEL_FEATURE_DEFINITION_INVALID',
      `${file}: expected a mapping with entities, sources, featureViews, featureServices.`,
    );
  }
  const out: ObjectSpec[] = [];
  for (const [key, value] of Object.entries(root)) {
    const section = SECTIONS[key];
    if (/^on_?demand/i.test(key)) {
      throw new KeelError(
        'KEEL_FEATURE_DEFINITION_INVALID',
        `${file}: "${key}": on-demand feature views run TypeScript code; define them in a .ts file with onDemandFeatureView().`,
        { details: { file, key } },
      );
    }
    if (!section) {
      throw new KeelError(
        'KEEL_FEATURE_DEFINITION_INVALID',
        `${file}: unknown section "${key}". Use entities, sources, featureViews, featureServices.`,
        { details: { file, key } },
      );
    }
    if (section === 'project') continue;
    if (!Array.isArray(value)) {
      throw new KeelError('KEEL_FEATURE_DEFINITION_INVALID', `${file}: "${key}" must be a list.`, {
        details: { file, key },
      });
    }
    value.forEach((item, i) => {
      const where = `${file}: ${key}[${i}]${item && typeof item === 'object' && 'name' in item ? ` (${String((item as Node).name)})` : ''}`;
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        throw new KeelError('KEEL_FEATURE_DEFINITION_INVALID', `${where}: expected a mapping.`, {
          details: { file },
        });
      }
      const reader = new Reader(item as Node, where);
      out.push(BUILDERS[section]!(reader));
      reader.done();
    });
  }
  return out;
}
