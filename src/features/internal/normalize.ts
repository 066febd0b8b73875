import { createHash } from 'node:crypto';
import { formatOf } from '../../data/index.js';
import type { DataSourceSpec, FieldSpec, ObjectSpec, ProjectionSpec } from '../specs.js';

function sortedRecord(record: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(record ?? {}).sort()) out[k] = String(record![k]);
  return out;
}

function fieldsOf(fields: readonly FieldSpec[] | undefined): FieldSpec[] {
  return (fields ?? []).map((f) => ({ name: f.name, type: f.type }));
}

function projection(p: ProjectionSpec): ProjectionSpec {
  return {
    view: p.view,
    ...(p.features === undefined ? {} : { features: [...p.features] }),
    ...(p.alias === undefined ? {} : { alias: p.alias }),
    ...(p.joinKeyMap === undefined || Object.keys(p.joinKeyMap).length === 0
      ? {}
      : { joinKeyMap: sortedRecord(p.joinKeyMap) }),
  };
}

function source(s: DataSourceSpec): DataSourceSpec {
  const format = s.format ?? (s.type === 'file' && s.path ? formatOf(s.path) : undefined);
  const optional = {
    path: s.path,
    format,
    url: s.url,
    table: s.table,
    query: s.query,
    topic: s.topic,
    batchSource: s.batchSource,
    schema: s.schema === undefined ? undefined : fieldsOf(s.schema),
    timestampField: s.type === 'request' ? undefined : s.timestampField,
    createdTimestampField: s.createdTimestampField,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return {
    kind: 'dataSource',
    name: s.name,
    type: s.type,
    ...common(s),
    ...present,
    fieldMapping: sortedRecord(s.fieldMapping),
  };
}

function common(s: ObjectSpec): { description: string; owner: string; tags: Record<string, string> } {
  return { description: s.description ?? '', owner: s.owner ?? '', tags: sortedRecord(s.tags) };
}

/**
 * The canonical form of a spec: only known fields, in a fixed order, defaults filled in (file
 * format from the extension), tags sorted, symbols and functions dropped. Two definitions that mean
 * the same give the same canonical spec (and digest), whether written in TypeScript or YAML.
 */
export function normalizeSpec(spec: ObjectSpec): ObjectSpec {
  switch (spec.kind) {
    case 'entity':
      return { kind: 'entity', name: spec.name, ...common(spec), joinKeys: fieldsOf(spec.joinKeys) };
    case 'dataSource':
      return source(spec);
    case 'featureView':
      return {
        kind: 'featureView',
        name: spec.name,
        ...common(spec),
        entities: [...(spec.entities ?? [])],
        features: fieldsOf(spec.features),
        source: spec.source,
        ttlMs: spec.ttlMs ?? null,
        online: spec.online ?? true,
      };
    case 'onDemandFeatureView':
      return {
        kind: 'onDemandFeatureView',
        name: spec.name,
        ...common(spec),
        sources: (spec.sources ?? []).map(projection),
        requestSources: [...(spec.requestSources ?? [])],
        features: fieldsOf(spec.features),
        transformHash: spec.transformHash,
      };
    default:
      return {
        kind: 'featureService',
        name: spec.name,
        ...common(spec),
        features: (spec.features ?? []).map(projection),
      };
  }
}

/** sha256 of the canonical JSON of a spec: equal digests mean equal definitions. */
export function specDigest(spec: ObjectSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(normalizeSpec(spec)))
    .digest('hex');
}
