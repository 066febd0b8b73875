import { afterEach, describe } from 'vitest';
import type { MetadataStore } from '../../src/storage/index.js';
import { alertRuleConformance } from './metadata/alert-rules.js';
import { deploymentConformance } from './metadata/deployments.js';
import { experimentConformance } from './metadata/experiments.js';
import { featureRegistryConformance } from './metadata/features.js';
import type { OpenFresh } from './metadata/fixtures.js';
import { learningConformance } from './metadata/learning.js';
import { pipelineConformance } from './metadata/pipelines.js';
import { randomSearchConformance } from './metadata/random-search.js';
import { registryConformance } from './metadata/registry.js';
import { aliasConformance } from './metadata/registry-aliases.js';
import { runLoggingConformance } from './metadata/run-logging.js';
import { runConformance } from './metadata/runs.js';
import { searchConformance } from './metadata/search.js';
import { studyConformance } from './metadata/studies.js';
import { transactionConformance } from './metadata/transactions.js';

/**
 * The metadata-store contract, run by every metadata backend. `open` returns a store in a fresh,
 * empty namespace; the suite closes every store it opens. Every assertion checks exact values,
 * so two backends that pass give identical results.
 */
export function metadataStoreConformance(name: string, open: () => Promise<MetadataStore>): void {
  describe(`metadata store conformance: ${name}`, () => {
    const opened: MetadataStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    const fresh: OpenFresh = async () => {
      const store = await open();
      opened.push(store);
      return store;
    };
    experimentConformance(fresh);
    runConformance(fresh);
    runLoggingConformance(fresh);
    searchConformance(fresh);
    randomSearchConformance(fresh);
    registryConformance(fresh);
    aliasConformance(fresh);
    deploymentConformance(fresh);
    featureRegistryConformance(fresh);
    alertRuleConformance(fresh);
    pipelineConformance(fresh);
    studyConformance(fresh);
    learningConformance(fresh);
    transactionConformance(fresh);
  });
}
