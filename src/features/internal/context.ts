import type { Clock, Logger } from '../../core/index.js';
import type { FeatureRegistryRepository, OfflineStore, OnlineStore } from '../../storage/index.js';
import type { FeatureCatalog } from '../catalog.js';
import type { FeatureRequest, FeatureSelection } from '../selection.js';

/** What the feature-store operations share: stores, time, the project root and the current catalog. */
export interface FeatureContext {
  readonly registry: FeatureRegistryRepository;
  readonly online: OnlineStore;
  /** The offline store, opened on first use (commands that never read history never open DuckDB). */
  offline(): Promise<OfflineStore>;
  readonly clock: Clock;
  /** Project root: relative file paths of sources resolve against it. */
  readonly root: string;
  readonly log: Logger;
  /** Who changes the registry (recorded in its history). */
  readonly actor: string;
  /** The applied definitions (cached; see `FeatureStore.refresh`). */
  catalog(): Promise<FeatureCatalog>;
  /** A feature selection against the current catalog (cached per request shape). */
  select(request: FeatureRequest, fullFeatureNames: boolean): Promise<FeatureSelection>;
}
