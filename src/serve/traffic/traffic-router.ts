import { KeelError } from '../../core/index.js';
import { parseModelReference } from '../../registry/index.js';
import type { DeploymentSpec, DeploymentVariant } from '../../storage/index.js';
import { BUCKETS, murmur3 } from './murmur3.js';

/** Where the unit key of sticky assignment is read from. */
export type StickySource =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'header'; readonly name: string };

/** Request facts the router looks at. */
export interface RouteRequest {
  /** The first record of the request (its sticky field), if any. */
  readonly record?: Readonly<Record<string, unknown>> | undefined;
  /** Request headers, lower-case names. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /** An explicit unit key; wins over the spec's sticky key. */
  readonly requestKey?: string | undefined;
}

function invalid(deployment: string, what: string): KeelError {
  return new KeelError('KEEL_DEPLOY_INVALID', `Deployment "${deployment}": ${what}`, {
    details: { deployment },
  });
}

function validateVariants(name: string, spec: DeploymentSpec): DeploymentVariant[] {
  if (!Array.isArray(spec.variants) || spec.variants.length === 0)
    throw invalid(name, 'it needs at least one variant.');
  const seen = new Set<string>();
  for (const v of spec.variants) {
    if (typeof v.name !== 'string' || v.name === '' || seen.has(v.name)) {
      throw invalid(name, `variant names must be unique and non-empty (got ${JSON.stringify(v.name)}).`);
    }
    seen.add(v.name);
    if (!(typeof v.weight === 'number' && Number.isFinite(v.weight) && v.weight >= 0)) {
      throw invalid(name, `variant "${v.name}" needs a weight >= 0.`);
    }
    parseModelReference(v.ref);
  }
  const total = spec.variants.reduce((s, v) => s + v.weight, 0);
  if (spec.mode === 'single') {
    if (spec.variants.length !== 1)
      throw invalid(name, `mode "single" takes one variant, got ${spec.variants.length}.`);
    return [...spec.variants];
  }
  if (total <= 0) throw invalid(name, 'the variant weights sum to 0: no variant would get traffic.');
  if (spec.mode === 'ab') {
    if (spec.variants.length < 2) throw invalid(name, 'mode "ab" needs at least two variants.');
    return [...spec.variants];
  }
  if (spec.mode === 'canary') {
    const stable = spec.variants.find((v) => v.name === 'stable');
    const canary = spec.variants.find((v) => v.name === 'canary');
    if (!stable || !canary || spec.variants.length !== 2) {
      throw invalid(name, 'mode "canary" takes exactly two variants named "stable" and "canary".');
    }
    // Stable first: raising the canary share only moves stable users over, never back.
    return [stable, canary];
  }
  throw invalid(name, `unknown mode ${JSON.stringify(spec.mode)}; use single, ab or canary.`);
}

function parseSticky(name: string, stickyKey: string | null): StickySource | null {
  if (stickyKey === null || stickyKey === undefined) return null;
  if (typeof stickyKey !== 'string' || stickyKey.trim() === '')
    throw invalid(name, 'stickyKey must be a field name, header:<name> or null.');
  if (stickyKey.startsWith('header:')) {
    const header = stickyKey.slice(7).trim().toLowerCase();
    if (!header) throw invalid(name, 'stickyKey "header:" needs a header name.');
    return { kind: 'header', name: header };
  }
  return { kind: 'field', name: stickyKey };
}

/** A slice of traffic pinned to one variant whatever the weights (`options.holdout`). */
export interface HoldoutSlice {
  /** Share of units pinned, in percent (0..100). */
  readonly percent: number;
  /** Index of the variant the slice always gets, in router order. */
  readonly index: number;
}

function parseHoldout(
  name: string,
  spec: DeploymentSpec,
  variants: readonly DeploymentVariant[],
): HoldoutSlice | null {
  const raw = spec.options?.holdout;
  if (raw === undefined || raw === null) return null;
  const h = raw as { percent?: unknown; variant?: unknown };
  const p = h.percent;
  if (typeof raw !== 'object' || !(typeof p === 'number' && p >= 0 && p < 100)) {
    throw invalid(name, 'options.holdout must be { "percent": 0..<100, "variant"?: <name> }.');
  }
  const wanted = h.variant ?? (spec.mode === 'canary' ? 'stable' : variants[0]!.name);
  const index = variants.findIndex((v) => v.name === wanted);
  if (index < 0) {
    throw invalid(name, `options.holdout.variant ${JSON.stringify(wanted)} is not one of its variants.`);
  }
  return p > 0 ? { percent: p, index } : null;
}

/**
 * A deployment's traffic policy compiled for the hot path: variants in bucket order and a
 * 10,000-entry table from sticky bucket to variant (weights → contiguous bucket ranges), so choosing
 * a variant is one murmur3 hash and one array read. Invalid specs fail with `KEEL_DEPLOY_INVALID`.
 */
export class TrafficRouter {
  readonly variants: readonly DeploymentVariant[];
  readonly sticky: StickySource | null;
  /** The pinned holdout slice, or null. */
  readonly holdout: HoldoutSlice | null;
  private readonly table: Uint8Array;
  private readonly seed: number;
  private readonly shadowSeed: number;
  private readonly holdoutSeed: number;

  constructor(
    readonly deployment: string,
    readonly spec: DeploymentSpec,
  ) {
    this.variants = validateVariants(deployment, spec);
    if (this.variants.length > 255) throw invalid(deployment, 'at most 255 variants are supported.');
    this.sticky = parseSticky(deployment, spec.stickyKey);
    if (spec.shadow !== null && spec.shadow !== undefined) {
      parseModelReference(spec.shadow.ref);
      const p = spec.shadow.percent;
      if (!(typeof p === 'number' && p >= 0 && p <= 100))
        throw invalid(deployment, 'shadow.percent must be in 0..100.');
    }
    const salt = typeof spec.options?.stickySalt === 'string' ? spec.options.stickySalt : deployment;
    this.seed = murmur3(salt);
    this.shadowSeed = murmur3(`${salt}#shadow`);
    this.holdoutSeed = murmur3(`${salt}#holdout`);
    this.holdout = parseHoldout(deployment, spec, this.variants);
    this.table = new Uint8Array(BUCKETS);
    const total = this.variants.reduce((s, v) => s + v.weight, 0) || 1;
    let cumulative = 0;
    let from = 0;
    this.variants.forEach((v, index) => {
      cumulative += v.weight;
      const to = index === this.variants.length - 1 ? BUCKETS : Math.round((cumulative / total) * BUCKETS);
      this.table.fill(index, from, to);
      from = to;
    });
  }

  /** The unit key of a request: the explicit key, else the sticky field or header; undefined when absent. */
  unitKey(request: RouteRequest): string | undefined {
    if (request.requestKey !== undefined) return request.requestKey;
    const sticky = this.sticky;
    if (!sticky) return undefined;
    if (sticky.kind === 'header') {
      const h = request.headers?.[sticky.name];
      return typeof h === 'string' ? h : Array.isArray(h) ? h[0] : undefined;
    }
    const v = request.record?.[sticky.name];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
  }

  /**
   * The variant index for a unit key (sticky), or a random draw when there is none. Units in the
   * holdout slice (their own hash, independent of the split) always get the holdout variant, so a
   * canary's real share is its weight share × (1 − holdout).
   */
  choose(unitKey: string | undefined, random: () => number): number {
    if (this.variants.length === 1) return 0;
    if (this.holdout && this.inHoldout(unitKey, random)) return this.holdout.index;
    const bucket =
      unitKey === undefined ? Math.floor(random() * BUCKETS) : murmur3(unitKey, this.seed) % BUCKETS;
    return this.table[Math.min(bucket, BUCKETS - 1)]!;
  }

  /** Whether a unit falls in the holdout slice (sticky by unit key; a random draw without one). */
  inHoldout(unitKey: string | undefined, random: () => number): boolean {
    const h = this.holdout;
    if (!h) return false;
    const bucket =
      unitKey === undefined ? Math.floor(random() * BUCKETS) : murmur3(unitKey, this.holdoutSeed) % BUCKETS;
    return bucket < h.percent * (BUCKETS / 100);
  }

  /** Whether this request is mirrored to the shadow: sticky by unit key when there is one. */
  mirrors(unitKey: string | undefined, random: () => number): boolean {
    const shadow = this.spec.shadow;
    if (!shadow || shadow.percent <= 0) return false;
    const bucket =
      unitKey === undefined ? Math.floor(random() * BUCKETS) : murmur3(unitKey, this.shadowSeed) % BUCKETS;
    return bucket < shadow.percent * (BUCKETS / 100);
  }

  /** The variant index of a name, or -1. */
  indexOf(variant: string): number {
    return this.variants.findIndex((v) => v.name === variant);
  }
}
