import type { Clock } from '../core/index.js';
import type { FeatureStore, ResolvedFeatureService } from '../features/index.js';

/** Records with their online features merged in, and the fields the model may ignore. */
export interface EnrichedRecords {
  readonly records: Record<string, unknown>[];
  /** Entity keys and request fields that are not model inputs (allowed through the input check). */
  readonly allowFields: ReadonlySet<string>;
}

/**
 * Fetches online features for predict requests of deployments that declare a feature service:
 * each record carries the service's entity keys (and request fields of on-demand views); the
 * features fetched for it are merged in, values the caller sent winning. Resolved services are
 * kept for `ttlMs` (default 5,000) so a request costs one online read.
 */
export class FeatureEnricher {
  private readonly services = new Map<string, { resolved: ResolvedFeatureService; at: number }>();

  constructor(
    private readonly store: FeatureStore,
    private readonly clock: Clock,
    private readonly ttlMs = 5_000,
  ) {}

  private async service(name: string): Promise<ResolvedFeatureService> {
    const hit = this.services.get(name);
    if (hit && this.clock.now() - hit.at < this.ttlMs) return hit.resolved;
    const resolved = await this.store.resolveFeatureService(name);
    this.services.set(name, { resolved, at: this.clock.now() });
    return resolved;
  }

  /** The records with the service's online features; missing entity keys fail as the feature store says. */
  async enrich(serviceName: string, records: readonly Record<string, unknown>[]): Promise<EnrichedRecords> {
    const service = await this.service(serviceName);
    const keys = service.entityColumns.map((c) => c.name);
    const requestFields = service.requestFields.map((f) => f.name);
    const pick = (r: Record<string, unknown>, names: readonly string[]) =>
      Object.fromEntries(names.filter((n) => n in r).map((n) => [n, r[n]]));
    const fetched = await this.store.fetchOnlineFeatures(
      service,
      records.map((r) => pick(r, keys)),
      requestFields.length > 0 ? records.map((r) => pick(r, requestFields)) : undefined,
    );
    const inputs = new Set(service.features.map((f) => f.name));
    const allowFields = new Set([...keys, ...requestFields].filter((n) => !inputs.has(n)));
    return { records: records.map((r, i) => ({ ...fetched.rows[i], ...r })), allowFields };
  }
}
