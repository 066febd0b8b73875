import { KeelError } from '../../core/index.js';
import { asDataset, loadDataset, saveDataset } from './datasets.js';
import type { BuiltinDefinition } from './definition.js';

/**
 * `training-set`: a point-in-time correct training set from the feature store: the entity rows
 * (a dataset with join keys, a timestamp and usually the label) joined with a feature service's
 * features as of each row's time (the feature store's `getHistoricalFeatures`).
 */
export const trainingSetStep: BuiltinDefinition = {
  kind: 'training-set',
  description: 'Join entity rows with a feature service, point in time',
  inputs: ['entities'],
  optionalInputs: [],
  params: { featureService: null, timestampColumn: null, fullFeatureNames: false },
  required: ['featureService'],
  cache: true,
  version: '1',
  check: (p) =>
    typeof p.featureService !== 'string' || p.featureService === ''
      ? 'featureService must name a feature service'
      : p.timestampColumn !== null && typeof p.timestampColumn !== 'string'
        ? 'timestampColumn must be a column name or null'
        : null,
  async run(inputs, params, ctx) {
    if (!ctx.services.featureStore) {
      throw new KeelError(
        'KEEL_PIPELINE_INVALID',
        `Step "${ctx.step}" needs the project's feature store, which this runner was not given. Run it with \`keel pipeline run\` or pass services.featureStore.`,
        { details: { step: ctx.step } },
      );
    }
    const entities = asDataset(inputs.entities, ctx.step, 'entities');
    const frame = await loadDataset(ctx, entities, 'entities');
    const store = await ctx.services.featureStore();
    const set = await store.getHistoricalFeatures(
      frame,
      { featureService: String(params.featureService) },
      {
        fullFeatureNames: params.fullFeatureNames === true,
        ...(typeof params.timestampColumn === 'string' ? { timestampColumn: params.timestampColumn } : {}),
      },
    );
    const dataset = await saveDataset(
      ctx,
      set.frame,
      'training-set.parquet',
      `feature service ${params.featureService}`,
    );
    await ctx.run.setTag('keel.feature_service', String(params.featureService));
    await ctx.run.logInput({
      fingerprint: set.fingerprint,
      name: 'training-set',
      source: entities.source,
      rowCount: set.frame.rowCount,
    });
    return { ...dataset, fingerprint: set.fingerprint };
  },
};
