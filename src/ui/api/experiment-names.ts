import type { UiServices } from '../ui-services.js';

/** Experiment id → name for every experiment, deleted ones included. */
export async function experimentNames(services: UiServices): Promise<Map<string, string>> {
  const all = await services.tracking.listExperiments({ includeDeleted: true });
  return new Map(all.map((e) => [e.id, e.name]));
}
