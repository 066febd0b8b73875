import type { AliasEvent, ModelVersion, RegisteredModel } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { formatNumber, formatTime, printFields, printTable } from '../output.js';

const tags = (t: Readonly<Record<string, string>>): string =>
  Object.entries(t)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

const metrics = (m: Readonly<Record<string, number>>, max = 3): string =>
  Object.entries(m)
    .slice(0, max)
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join(' ');

/** Prints registered models: name, latest version, aliases, update time, description. */
export function printModelTable(io: CliIo, models: readonly RegisteredModel[]): void {
  printTable(
    io,
    models,
    [
      { header: 'MODEL', value: (m) => m.name },
      { header: 'LATEST', value: (m) => m.latestVersion, right: true },
      { header: 'ALIASES', value: (m) => aliasList(m.aliases) },
      { header: 'UPDATED', value: (m) => formatTime(m.updatedAt) },
      { header: 'DESCRIPTION', value: (m) => m.description },
    ],
    '(no models registered yet)',
  );
}

/** Prints a model: its fields, versions (newest first) and the lineage of the newest version. */
export function printModel(io: CliIo, model: RegisteredModel, versions: readonly ModelVersion[]): void {
  printFields(io, [
    ['model', model.name],
    ['description', model.description || null],
    ['tags', tags(model.tags) || null],
    ['aliases', aliasList(model.aliases) || null],
    ['latest', model.latestVersion],
    ['created', formatTime(model.createdAt)],
    ['updated', formatTime(model.updatedAt)],
  ]);
  io.stdout.write('\nversions:\n');
  printTable(io, versions, [
    { header: 'VERSION', value: (v) => v.version, right: true },
    { header: 'FLAVOR', value: (v) => v.flavor },
    { header: 'ALIASES', value: (v) => v.aliases.join(',') },
    { header: 'CREATED', value: (v) => formatTime(v.createdAt) },
    { header: 'BY', value: (v) => v.createdBy },
    { header: 'RUN', value: (v) => v.lineage.runId },
    { header: 'METRICS', value: (v) => metrics(v.metrics) },
  ]);
  const newest = versions[0];
  if (newest) {
    io.stdout.write(`\nlineage of version ${newest.version}:\n`);
    printLineage(io, newest);
  }
}

/** Prints one version in full: artifact, signature, metrics, tags and lineage. */
export function printVersion(io: CliIo, v: ModelVersion): void {
  printFields(io, [
    ['model', v.model],
    ['version', v.version],
    ['aliases', v.aliases.join(', ') || null],
    ['flavor', v.flavor],
    ['artifact', `sha256:${v.artifactDigest} (${v.artifactSize} bytes)`],
    ['created', `${formatTime(v.createdAt)} by ${v.createdBy}`],
    ['description', v.description || null],
    ['tags', tags(v.tags) || null],
    ['metrics', metrics(v.metrics, 50) || null],
    ['inputs', v.signature.inputs.map((f) => `${f.name}:${f.datatype ?? f.type}`).join(', ')],
    ['outputs', v.signature.outputs.map((f) => `${f.name}:${f.datatype ?? f.type}`).join(', ')],
  ]);
  io.stdout.write('\nlineage:\n');
  printLineage(io, v);
}

/** Prints alias moves, oldest first. */
export function printAliasHistory(io: CliIo, events: readonly AliasEvent[]): void {
  printTable(
    io,
    events,
    [
      { header: 'AT', value: (e) => formatTime(e.at) },
      { header: 'ALIAS', value: (e) => e.alias },
      { header: 'FROM', value: (e) => e.fromVersion, right: true },
      { header: 'TO', value: (e) => e.toVersion, right: true },
      { header: 'BY', value: (e) => e.actor },
      { header: 'REASON', value: (e) => e.reason },
    ],
    '(no alias moves recorded)',
  );
}

/** One line for an alias move: `fraud@champion: 1 -> 2`. */
export function describeAliasEvent(e: AliasEvent): string {
  const from = e.fromVersion === null ? 'new' : `version ${e.fromVersion}`;
  const to = e.toVersion === null ? 'removed' : `version ${e.toVersion}`;
  return `${e.model}@${e.alias}: ${from} -> ${to} (by ${e.actor}${e.reason ? `: ${e.reason}` : ''})`;
}

function printLineage(io: CliIo, v: ModelVersion): void {
  printFields(io, [
    ['  run', v.lineage.runId],
    ['  git commit', v.lineage.gitCommit],
    ['  datasets', v.lineage.datasetFingerprints.join(', ') || null],
    ['  feature service', v.lineage.featureService],
    ['  params', tags(v.lineage.params) || null],
  ]);
}

function aliasList(aliases: Readonly<Record<string, number>>): string {
  return Object.entries(aliases)
    .map(([a, v]) => `${a}=${v}`)
    .join(' ');
}
