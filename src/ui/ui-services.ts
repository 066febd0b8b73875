import { join, resolve } from 'node:path';
import type { Registry } from '../registry/index.js';
import type { Keel } from '../sdk/index.js';
import type { ArtifactStore, DeploymentRepository } from '../storage/index.js';
import type { Tracking } from '../track/index.js';

/** The read-only services the UI shows; build them with `uiServicesFromKeel` or pass your own. */
export interface UiServices {
  /** Project name shown in the header. */
  readonly project: string;
  readonly tracking: Tracking;
  readonly registry: Registry;
  readonly deployments: DeploymentRepository;
  /** Reads run artifacts (`feature_importance.json`, downloads), by the digest a run recorded. */
  readonly artifacts: ArtifactStore;
  /** Absolute folder whose `*.html` drift reports are listed; null = no reports page data. */
  readonly reportsDir: string | null;
}

/**
 * The UI's services on an opened project: its tracking, registry, deployments and artifact store,
 * and `<root>/<home>/reports` (default `.keel/reports`) as the drift report folder.
 */
export async function uiServicesFromKeel(keel: Keel): Promise<UiServices> {
  const [tracking, registry, metadata, artifacts] = await Promise.all([
    keel.tracking(),
    keel.registry(),
    keel.store('metadata'),
    keel.store('artifacts'),
  ]);
  return {
    project: keel.config.project,
    tracking,
    registry,
    deployments: metadata.deployments,
    artifacts,
    reportsDir: join(resolve(keel.ctx.root, keel.config.home), 'reports'),
  };
}
