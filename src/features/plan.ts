import { KeelError } from '../core/index.js';
import type { FeatureObjectRecord } from '../storage/index.js';
import type { FeatureContext } from './internal/context.js';
import { normalizeSpec, specDigest } from './internal/normalize.js';
import { describeUpdate, destructiveReasons } from './internal/spec-diff.js';
import { KIND_LABELS, OBJECT_KINDS, type ObjectKind, type ObjectSpec } from './specs.js';

/** One change a plan would make to the registry. */
export interface PlannedChange {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly action: 'create' | 'update' | 'delete';
  /** What changes, for people (`ttl 3d → 1d`, `feature wind added`). */
  readonly details: readonly string[];
  /** Why the change drops data; empty when it does not. Destructive changes need `force`. */
  readonly destructive: readonly string[];
  /** True when applying it drops the view's online values (deleted, re-keyed, retyped or taken offline). */
  readonly clearsOnline: boolean;
  /** The registry version planned against (0 for a create). */
  readonly expectedVersion: number;
  readonly before: ObjectSpec | null;
  readonly after: ObjectSpec | null;
}

/** The difference between a repository and the registry. */
export interface FeaturePlan {
  /** Changes in apply order: creates and updates by dependency, then deletes. */
  readonly changes: readonly PlannedChange[];
  /** Objects already applied as they are. */
  readonly unchanged: number;
}

/** What `applyPlan` did. */
export interface ApplyResult {
  readonly plan: FeaturePlan;
  /** Views whose online values were dropped (deleted views, changed keys or types, online turned off). */
  readonly clearedViews: readonly string[];
}

const order = (kind: ObjectKind): number => OBJECT_KINDS.indexOf(kind);

/**
 * Compares the desired definitions with the registry's records: creates, updates (with what changed)
 * and deletes (objects in the registry but not in the repository), each marked destructive when it
 * would drop data: deleting or re-keying a feature view, removing or retyping a feature, taking a view
 * offline, deleting a push or stream source (its log would no longer be read).
 */
export function planChanges(
  current: readonly FeatureObjectRecord[],
  desired: readonly ObjectSpec[],
): FeaturePlan {
  const existing = new Map(current.map((r) => [`${r.kind}:${r.name}`, r]));
  const changes: PlannedChange[] = [];
  let unchanged = 0;
  for (const raw of desired) {
    const after = normalizeSpec(raw);
    const record = existing.get(`${after.kind}:${after.name}`);
    existing.delete(`${after.kind}:${after.name}`);
    if (!record) {
      changes.push({
        kind: after.kind,
        name: after.name,
        action: 'create',
        details: [],
        destructive: [],
        clearsOnline: false,
        expectedVersion: 0,
        before: null,
        after,
      });
      continue;
    }
    if (record.digest === specDigest(after)) {
      unchanged++;
      continue;
    }
    const before = record.spec as unknown as ObjectSpec;
    const drops = destructiveReasons(before, after);
    changes.push({
      kind: after.kind,
      name: after.name,
      action: 'update',
      details: describeUpdate(before, after),
      destructive: drops.map((d) => d.reason),
      clearsOnline: drops.some((d) => d.clearsOnline),
      expectedVersion: record.version,
      before,
      after,
    });
  }
  for (const record of existing.values()) {
    const before = record.spec as unknown as ObjectSpec;
    const drops = destructiveReasons(before, null);
    changes.push({
      kind: record.kind,
      name: record.name,
      action: 'delete',
      details: [],
      destructive: drops.map((d) => d.reason),
      clearsOnline: drops.some((d) => d.clearsOnline),
      expectedVersion: record.version,
      before,
      after: null,
    });
  }
  changes.sort((a, b) => {
    const ad = a.action === 'delete' ? 1 : 0;
    const bd = b.action === 'delete' ? 1 : 0;
    if (ad !== bd) return ad - bd;
    const k = ad ? order(b.kind) - order(a.kind) : order(a.kind) - order(b.kind);
    return k || a.name.localeCompare(b.name);
  });
  return { changes, unchanged };
}

/**
 * Applies a plan in one registry transaction (per-object version checks: a concurrent change fails
 * with `KEEL_STORE_CONFLICT`), then drops the online values the destructive changes made stale.
 * Destructive changes need `force`; without it the call fails with `KEEL_FEATURE_DESTRUCTIVE_CHANGE`
 * listing them, and nothing is written. An empty plan writes nothing (apply is idempotent).
 */
export async function applyPlan(
  ctx: FeatureContext,
  plan: FeaturePlan,
  options: { readonly force?: boolean } = {},
): Promise<ApplyResult> {
  const destructive = plan.changes.filter((c) => c.destructive.length > 0);
  if (destructive.length > 0 && options.force !== true) {
    const lines = destructive.map(
      (c) => `  - ${c.action} ${KIND_LABELS[c.kind]} "${c.name}": ${c.destructive.join('; ')}`,
    );
    throw new KeelError(
      'KEEL_FEATURE_DESTRUCTIVE_CHANGE',
      `Applying would drop data:\n${lines.join('\n')}\nNothing was changed. Review with \`keel features plan\`, then run \`keel features apply --force\`.`,
      {
        details: {
          changes: destructive.map((c) => ({
            kind: c.kind,
            name: c.name,
            action: c.action,
            reasons: c.destructive,
          })),
        },
      },
    );
  }
  if (plan.changes.length === 0) return { plan, clearedViews: [] };
  await ctx.registry.applyChanges(
    plan.changes.map((c) => ({
      kind: c.kind,
      name: c.name,
      spec: c.after as unknown as Record<string, unknown> | null,
      digest: c.after ? specDigest(c.after) : null,
      expectedVersion: c.expectedVersion,
    })),
    { actor: ctx.actor, at: ctx.clock.now() },
  );
  const toClear = new Set<string>();
  const views = await ctx.registry.list('featureView');
  for (const change of plan.changes.filter((c) => c.clearsOnline)) {
    if (change.kind === 'featureView') toClear.add(change.name);
    // A re-keyed entity makes the online values of every view of it unreachable.
    for (const v of views)
      if (change.kind === 'entity' && (v.spec.entities as string[]).includes(change.name))
        toClear.add(v.name);
  }
  for (const view of toClear) await ctx.online.clearView(view);
  return { plan, clearedViews: [...toClear] };
}
