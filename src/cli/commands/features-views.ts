import {
  type FeatureCatalog,
  type FeaturePlan,
  formatTtl,
  KIND_LABELS,
  type MaterializeResult,
  type ObjectSpec,
  type OnlineFeaturesResult,
  type TrainingSet,
  type ViewFreshness,
} from '../../features/index.js';
import type { MaterializationRecord } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { formatTime, printFields, printTable } from '../output.js';

const SIGN: Readonly<Record<string, string>> = { create: '+', update: '~', delete: '-' };

/** Prints a plan: one line per change (`+ create`, `~ update`, `- delete`), details indented, destructive ones flagged. */
export function printPlan(io: CliIo, plan: FeaturePlan, applied: boolean): void {
  if (plan.changes.length === 0) {
    io.stdout.write(`No changes: the registry matches the repository (${plan.unchanged} definitions).\n`);
    return;
  }
  for (const c of plan.changes) {
    const flag = c.destructive.length > 0 ? '  (destructive)' : '';
    io.stdout.write(`${SIGN[c.action]} ${c.action} ${KIND_LABELS[c.kind]} ${c.name}${flag}\n`);
    for (const d of c.details) io.stdout.write(`    ${d}\n`);
    for (const d of c.destructive) io.stdout.write(`    ! ${d}\n`);
  }
  const counts = ['create', 'update', 'delete'].map(
    (a) => `${plan.changes.filter((c) => c.action === a).length} to ${a}`,
  );
  io.stdout.write(`${applied ? 'Applied' : 'Plan'}: ${counts.join(', ')}, ${plan.unchanged} unchanged.\n`);
}

/** Prints the registry's definitions grouped by kind. */
export function printCatalog(io: CliIo, catalog: FeatureCatalog): void {
  io.stdout.write('Entities\n');
  printTable(
    io,
    [...catalog.entities.values()],
    [
      { header: 'name', value: (e) => e.name },
      { header: 'join keys', value: (e) => e.joinKeys.map((k) => `${k.name}:${k.type}`).join(', ') },
      { header: 'description', value: (e) => e.description },
    ],
  );
  io.stdout.write('\nData sources\n');
  printTable(
    io,
    [...catalog.sources.values()],
    [
      { header: 'name', value: (s) => s.name },
      { header: 'type', value: (s) => s.type },
      {
        header: 'where',
        value: (s) => s.path ?? s.topic ?? s.table ?? (s.query ? '(query)' : (s.batchSource ?? '')),
      },
      {
        header: 'timestamp',
        value: (s) =>
          s.timestampField ?? (s.batchSource ? catalog.sources.get(s.batchSource)?.timestampField : ''),
      },
    ],
  );
  io.stdout.write('\nFeature views\n');
  printTable(
    io,
    [...catalog.views.values()],
    [
      { header: 'name', value: (v) => v.spec.name },
      { header: 'entities', value: (v) => v.spec.entities.join(', ') || '(none)' },
      { header: 'features', value: (v) => v.spec.features.length, right: true },
      { header: 'ttl', value: (v) => formatTtl(v.spec.ttlMs) },
      { header: 'online', value: (v) => (v.spec.online ? 'yes' : 'no') },
      { header: 'source', value: (v) => v.spec.source },
    ],
  );
  io.stdout.write('\nOn-demand feature views\n');
  printTable(
    io,
    [...catalog.onDemandViews.values()],
    [
      { header: 'name', value: (o) => o.spec.name },
      { header: 'features', value: (o) => o.spec.features.map((f) => f.name).join(', ') },
      {
        header: 'inputs',
        value: (o) => [...o.spec.sources.map((s) => s.view), ...o.spec.requestSources].join(', '),
      },
    ],
  );
  io.stdout.write('\nFeature services\n');
  printTable(
    io,
    [...catalog.services.values()],
    [
      { header: 'name', value: (s) => s.name },
      {
        header: 'features',
        value: (s) =>
          s.features.map((p) => (p.features ? `${p.view}[${p.features.join(', ')}]` : p.view)).join('; '),
      },
    ],
  );
}

/** Prints one definition with, for feature views, its features, freshness and materialisations. */
export function printDefinition(
  io: CliIo,
  spec: ObjectSpec,
  extra: {
    readonly freshness?: ViewFreshness | undefined;
    readonly materializations?: readonly MaterializationRecord[] | undefined;
  },
): void {
  const fields: [string, unknown][] = [
    ['kind', KIND_LABELS[spec.kind]],
    ['name', spec.name],
  ];
  if (spec.description) fields.push(['description', spec.description]);
  if (spec.owner) fields.push(['owner', spec.owner]);
  if (Object.keys(spec.tags).length > 0)
    fields.push([
      'tags',
      Object.entries(spec.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    ]);
  if (spec.kind === 'featureView') {
    fields.push(
      ['entities', spec.entities.join(', ') || '(none)'],
      ['source', spec.source],
      ['ttl', formatTtl(spec.ttlMs)],
      ['online', spec.online ? 'yes' : 'no'],
    );
    if (extra.freshness) {
      const f = extra.freshness;
      fields.push([
        'newest online',
        f.newestEventMs === null
          ? '(nothing online)'
          : `${formatTime(f.newestEventMs)} (${Math.round(f.ageSeconds ?? 0)} s ago)`,
      ]);
    }
  }
  if (spec.kind === 'dataSource') {
    for (const key of [
      'type',
      'path',
      'format',
      'topic',
      'table',
      'batchSource',
      'timestampField',
      'createdTimestampField',
    ] as const) {
      if (spec[key] !== undefined) fields.push([key, spec[key]]);
    }
  }
  if (spec.kind === 'onDemandFeatureView') fields.push(['transform sha256', spec.transformHash.slice(0, 16)]);
  printFields(io, fields);
  if (spec.kind === 'featureView' || spec.kind === 'onDemandFeatureView' || spec.kind === 'entity') {
    io.stdout.write('\n');
    printTable(io, spec.kind === 'entity' ? spec.joinKeys : spec.features, [
      { header: spec.kind === 'entity' ? 'join key' : 'feature', value: (f) => f.name },
      { header: 'type', value: (f) => f.type },
    ]);
  }
  if (spec.kind === 'featureService') {
    io.stdout.write('\n');
    printTable(io, spec.features, [
      { header: 'view', value: (p) => p.view },
      { header: 'features', value: (p) => p.features?.join(', ') ?? '(all)' },
      { header: 'alias', value: (p) => p.alias ?? '' },
    ]);
  }
  if (extra.materializations && extra.materializations.length > 0) {
    io.stdout.write('\nMaterializations\n');
    printTable(io, extra.materializations.slice(-10), [
      { header: 'start', value: (m) => formatTime(m.startMs) },
      { header: 'end', value: (m) => formatTime(m.endMs) },
      { header: 'rows', value: (m) => m.rows, right: true },
      { header: 'at', value: (m) => formatTime(m.at) },
    ]);
  }
}

/** Prints materialisation results per view. */
export function printMaterialized(io: CliIo, results: readonly MaterializeResult[]): void {
  printTable(
    io,
    results,
    [
      { header: 'view', value: (r) => r.view },
      { header: 'start', value: (r) => formatTime(r.startMs) },
      { header: 'end', value: (r) => formatTime(r.endMs) },
      { header: 'source rows', value: (r) => r.sourceRows, right: true },
      { header: 'written', value: (r) => r.written, right: true },
      { header: 'skipped (newer online)', value: (r) => r.skipped, right: true },
    ],
    'No online feature views to materialize.',
  );
}

/** Prints online features as a table: one row per entity, `value (STATUS)` for anything not present. */
export function printOnline(io: CliIo, result: OnlineFeaturesResult): void {
  const rows = Array.from({ length: result.rowCount }, (_, i) => i);
  printTable(
    io,
    rows,
    result.featureNames.map((name, j) => ({
      header: name,
      value: (i: number) => {
        const column = result.results[j]!;
        const v = column.values[i];
        const text = v === null || v === undefined ? 'null' : String(v);
        return column.statuses[i] === 'PRESENT' ? text : `${text} (${column.statuses[i]})`;
      },
    })),
  );
}

/** Prints what a training set is: rows, columns, fingerprint, output file, and its first rows. */
export function printTrainingSet(io: CliIo, set: TrainingSet, head: number): void {
  printFields(io, [
    ['rows', set.frame.rowCount],
    ['columns', set.frame.names.join(', ')],
    ['fingerprint', set.fingerprint],
    ['feature service', set.featureService ?? '-'],
    ['written to', set.outputPath ?? '-'],
  ]);
  if (head > 0 && set.frame.rowCount > 0) {
    io.stdout.write('\n');
    const rows = set.frame.slice(0, head).toRecords();
    printTable(
      io,
      rows,
      set.frame.columns.map((c) => ({
        header: c.name,
        value: (r: Record<string, unknown>) => {
          const v = r[c.name];
          if (v === null || v === undefined) return null;
          return c.type === 'timestamp' ? formatTime(v as number) : String(v);
        },
      })),
    );
  }
}
