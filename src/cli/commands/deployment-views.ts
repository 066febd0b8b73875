import type { Deployment, DeploymentEvent, DeploymentSpec } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { formatNumber, formatTime, printFields, printTable } from '../output.js';
import { formatEvidence } from './evidence-format.js';

/** Share of each variant in percent (single: 100). */
function shares(spec: DeploymentSpec): number[] {
  if (spec.mode === 'single') return spec.variants.map(() => 100);
  const total = spec.variants.reduce((s, v) => s + v.weight, 0) || 1;
  return spec.variants.map((v) => (100 * v.weight) / total);
}

/** One line for a spec: `single fraud@champion`, `ab a=fraud/3 50%, b=fraud/4 50% (sticky user_id)`... */
export function describeSpec(spec: DeploymentSpec): string {
  const parts =
    spec.mode === 'single'
      ? (spec.variants[0]?.ref ?? '-')
      : spec.variants.map((v, i) => `${v.name}=${v.ref} ${formatNumber(shares(spec)[i]!, 3)}%`).join(', ');
  const extras = [
    spec.stickyKey ? `sticky ${spec.stickyKey}` : null,
    spec.shadow ? `shadow ${spec.shadow.ref} ${formatNumber(spec.shadow.percent, 3)}%` : null,
    spec.featureService ? `features ${spec.featureService}` : null,
  ].filter(Boolean);
  return `${spec.mode} ${parts}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`;
}

/** The deployments as a table. */
export function printDeploymentTable(io: CliIo, list: readonly Deployment[]): void {
  printTable(
    io,
    list,
    [
      { header: 'NAME', value: (d) => d.name },
      { header: 'MODE', value: (d) => d.spec.mode },
      {
        header: 'VARIANTS',
        value: (d) =>
          d.spec.variants
            .map(
              (v, i) =>
                `${v.ref}${d.spec.mode === 'single' ? '' : ` ${formatNumber(shares(d.spec)[i]!, 3)}%`}`,
            )
            .join(', '),
      },
      {
        header: 'SHADOW',
        value: (d) => (d.spec.shadow ? `${d.spec.shadow.ref} ${d.spec.shadow.percent}%` : '-'),
      },
      { header: 'REV', value: (d) => d.revision, right: true },
      { header: 'UPDATED', value: (d) => formatTime(d.updatedAt) },
    ],
    '(no deployments: create one with keel deploy <name> --model <ref>)',
  );
}

/** One deployment in detail. */
export function printDeployment(io: CliIo, d: Deployment): void {
  printFields(io, [
    ['name', d.name],
    ['mode', d.spec.mode],
    ['revision', d.revision],
    ['sticky key', d.spec.stickyKey],
    ['shadow', d.spec.shadow ? `${d.spec.shadow.ref} (${d.spec.shadow.percent}%)` : null],
    ['feature service', d.spec.featureService],
    ['options', Object.keys(d.spec.options).length > 0 ? JSON.stringify(d.spec.options) : null],
    ['created', formatTime(d.createdAt)],
    ['updated', formatTime(d.updatedAt)],
  ]);
  io.stdout.write('\n');
  const share = shares(d.spec);
  const rows = d.spec.variants.map((v, i) => ({ ...v, share: share[i]! }));
  printTable(io, rows, [
    { header: 'VARIANT', value: (v) => v.name },
    { header: 'MODEL', value: (v) => v.ref },
    { header: 'WEIGHT', value: (v) => v.weight, right: true },
    { header: 'SHARE', value: (v) => `${formatNumber(v.share, 3)}%`, right: true },
  ]);
}

/** A deployment's history, oldest first; then the evidence of each decision that has some. */
export function printDeploymentHistory(io: CliIo, events: readonly DeploymentEvent[]): void {
  const numbered = events.map((e, i) => ({ ...e, n: i + 1 }));
  printTable(io, numbered, [
    { header: '#', value: (e) => e.n, right: true },
    { header: 'TIME', value: (e) => formatTime(e.at) },
    { header: 'REV', value: (e) => e.revision, right: true },
    { header: 'ACTION', value: (e) => e.action },
    { header: 'ACTOR', value: (e) => e.actor },
    { header: 'REASON', value: (e) => e.reason },
  ]);
  for (const e of numbered) {
    const lines = formatEvidence(e.evidence);
    if (lines.length === 0) continue;
    io.stdout.write(`\n#${e.n} ${e.action} evidence:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  }
}
