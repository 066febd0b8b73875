import type { DataSourceSpec, EntitySpec, FeatureViewSpec, FieldSpec, ObjectSpec } from '../specs.js';
import { formatTtl } from '../timestamps.js';

/** A reason a change drops data, and whether the view's online values must go. */
export interface DestructiveReason {
  readonly reason: string;
  readonly clearsOnline: boolean;
}

function fieldChanges(before: readonly FieldSpec[], after: readonly FieldSpec[], what: string): string[] {
  const out: string[] = [];
  for (const f of after) {
    const old = before.find((b) => b.name === f.name);
    if (!old) out.push(`${what} ${f.name} added (${f.type})`);
    else if (old.type !== f.type) out.push(`${what} ${f.name} type ${old.type} → ${f.type}`);
  }
  for (const b of before) if (!after.some((f) => f.name === b.name)) out.push(`${what} ${b.name} removed`);
  return out;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
}

/** What an update changes, for people: `ttl 3d → 1d`, `feature wind added (float64)`, `tags changed`. */
export function describeUpdate(before: ObjectSpec, after: ObjectSpec): string[] {
  const out: string[] = [];
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) === JSON.stringify(a[key])) continue;
    if (
      (key === 'features' || key === 'joinKeys' || key === 'schema') &&
      Array.isArray(a[key]) &&
      after.kind !== 'featureService' &&
      after.kind !== 'onDemandFeatureView'
    ) {
      out.push(
        ...fieldChanges(
          (b[key] ?? []) as FieldSpec[],
          (a[key] ?? []) as FieldSpec[],
          key === 'features' ? 'feature' : key === 'joinKeys' ? 'join key' : 'field',
        ),
      );
    } else if (key === 'ttlMs') {
      out.push(
        `ttl ${formatTtl((b[key] ?? null) as number | null)} → ${formatTtl((a[key] ?? null) as number | null)}`,
      );
    } else if (key === 'tags' || key === 'features' || key === 'sources' || key === 'fieldMapping') {
      out.push(`${key} changed`);
    } else if (key === 'transformHash') {
      out.push('transform code changed');
    } else {
      out.push(`${key} ${show(b[key])} → ${show(a[key])}`);
    }
  }
  return out;
}

function viewDrops(before: FeatureViewSpec, after: FeatureViewSpec | null): DestructiveReason[] {
  if (!after)
    return before.online ? [{ reason: 'deleting the view drops its online values', clearsOnline: true }] : [];
  const out: DestructiveReason[] = [];
  for (const f of before.features) {
    const now = after.features.find((x) => x.name === f.name);
    if (!now)
      out.push({
        reason: `feature ${f.name} removed (its values are no longer served)`,
        clearsOnline: false,
      });
    else if (now.type !== f.type)
      out.push({
        reason: `feature ${f.name} type ${f.type} → ${now.type} (stored values no longer fit)`,
        clearsOnline: before.online,
      });
  }
  if (JSON.stringify(before.entities) !== JSON.stringify(after.entities)) {
    out.push({
      reason: `entities ${before.entities.join(', ') || '(none)'} → ${after.entities.join(', ') || '(none)'} (online values are keyed by the old entities)`,
      clearsOnline: before.online,
    });
  }
  if (before.online && !after.online)
    out.push({ reason: 'online turned off: its online values are dropped', clearsOnline: true });
  return out;
}

/** Why changing `before` into `after` (null = deleting it) drops data; empty when it does not. */
export function destructiveReasons(before: ObjectSpec, after: ObjectSpec | null): DestructiveReason[] {
  if (before.kind === 'featureView') return viewDrops(before, after as FeatureViewSpec | null);
  if (before.kind === 'entity' && after) {
    const changed =
      JSON.stringify((before as EntitySpec).joinKeys) !== JSON.stringify((after as EntitySpec).joinKeys);
    return changed
      ? [
          {
            reason: 'join keys changed: online values of its views are keyed by the old keys',
            clearsOnline: true,
          },
        ]
      : [];
  }
  if (before.kind === 'dataSource' && !after) {
    const s = before as DataSourceSpec;
    if (s.type === 'push' || s.type === 'stream')
      return [{ reason: `deleting the ${s.type} source leaves its offline log unread`, clearsOnline: false }];
  }
  return [];
}
