import { offlineFolder } from '../monitor/index.js';
import { type RunningLearningController, startLearningController } from '../pipelines/index.js';
import type { Keel } from '../sdk/index.js';
import type { RunningServer } from '../server/index.js';

/**
 * Starts the continuous-learning loop beside a running all-in-one server: the project's stored
 * policies, monitoring signals over its offline store (the server's prediction log flushed before
 * each read), serving signals from the server's engine, and the feature store for
 * `featureService` training data. Returns null when no deployment has a policy.
 */
export async function startProjectLearning(
  keel: Keel,
  running: RunningServer,
  options: { readonly tickMs?: number; readonly actor?: string; readonly autoStart?: boolean } = {},
): Promise<RunningLearningController | null> {
  const metadata = await keel.store('metadata');
  if ((await metadata.learning.listPolicies()).length === 0) return null;
  const actor = options.actor ?? 'keel-learning';
  const [artifacts, registry, tracking, features] = await Promise.all([
    keel.store('artifacts'),
    keel.registry({ actor }),
    keel.tracking({ user: actor }),
    keel.features({ actor }),
  ]);
  return startLearningController({
    metadata,
    artifacts,
    registry,
    tracking,
    features,
    clock: keel.ctx.clock,
    log: keel.ctx.log,
    root: keel.ctx.root,
    offline: offlineFolder(keel.config.stores.offline, keel.ctx.root),
    engine: running.engine,
    beforeRead: () => running.flushLogs(),
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
    ...(options.autoStart !== undefined ? { autoStart: options.autoStart } : {}),
  });
}
