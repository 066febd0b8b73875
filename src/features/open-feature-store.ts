import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock, Logger } from '../core/index.js';
import type { MetadataStore, OfflineStore, OnlineStore } from '../storage/index.js';
import { FeatureStore } from './feature-store.js';
import { loadFeatureRepository } from './repository.js';

/** The default feature repository of a project: its `features/` folder. */
export function defaultRepositoryDir(root: string): string {
  return join(root, 'features');
}

/** Options for `openFeatureStore`. */
export interface OpenFeatureStoreOptions {
  readonly metadata: MetadataStore;
  readonly online: OnlineStore;
  /** The offline store, or a function opening it on first use. */
  readonly offline: OfflineStore | (() => Promise<OfflineStore>);
  readonly clock: Clock;
  /** Project root (source paths resolve against it). */
  readonly root: string;
  /** Definitions folder (relative to `root`); default (null) `features/` when it exists; false = none. */
  readonly repository?: string | null | false;
  /**
   * When to load the definitions' code: `always` (plan, apply), `when-needed` (default: only when the
   * registry has on-demand views, whose transforms are code), or `never` (listing).
   */
  readonly loadCode?: 'always' | 'when-needed' | 'never';
  readonly log?: Logger;
  readonly actor?: string;
}

/**
 * A feature store over a project's stores, with its definitions folder loaded (for on-demand code
 * and `plan`/`apply`). An explicitly named folder must exist; the default one is optional.
 */
export async function openFeatureStore(options: OpenFeatureStoreOptions): Promise<FeatureStore> {
  const explicit = typeof options.repository === 'string';
  const dir = explicit
    ? resolve(options.root, options.repository as string)
    : defaultRepositoryDir(options.root);
  const mode = options.repository === false ? 'never' : (options.loadCode ?? 'when-needed');
  // Loading code runs the definition files: skip it when no on-demand view needs a transform.
  const needed =
    mode === 'always' ||
    (mode === 'when-needed' && (await options.metadata.features.list('onDemandFeatureView')).length > 0);
  const repository = needed && (explicit || existsSync(dir)) ? await loadFeatureRepository(dir) : undefined;
  return new FeatureStore({
    registry: options.metadata.features,
    online: options.online,
    offline: options.offline,
    clock: options.clock,
    root: options.root,
    ...(repository ? { repository } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.actor ? { actor: options.actor } : {}),
  });
}
