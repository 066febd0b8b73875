import { describe, expect, it } from 'vitest';
import { KeelError } from '../../src/core/index.js';
import {
  buildSpec,
  DeploymentService,
  deploymentUses,
  parseAbList,
  parseDeploymentInput,
  withWeights,
} from '../../src/serve/index.js';
import { useTestStores } from '../helpers/stores.js';
import { classifier } from './helpers/engine.js';
import { MemoryRegistry } from './helpers/memory-registry.js';

const stores = useTestStores();

describe('deployment specs', () => {
  it('parses A/B lists, builds specs over the current one and sets weights', () => {
    expect(parseAbList('fraud@champion=90, fraud/7=10')).toEqual([
      { ref: 'fraud@champion', weight: 90 },
      { ref: 'fraud/7', weight: 10 },
    ]);
    expect(() => parseAbList('fraud/1=50')).toThrow(/at least two/);
    expect(() => parseAbList('fraud/1=50,fraud/2')).toThrow(/"fraud\/2" is not ref=weight/);
    const ab = buildSpec({ variants: parseAbList('m/1=1,m/2=3'), stickyKey: 'user_id' }, null);
    expect(ab).toMatchObject({
      mode: 'ab',
      stickyKey: 'user_id',
      variants: [
        { name: 'a', ref: 'm/1' },
        { name: 'b', ref: 'm/2', weight: 3 },
      ],
    });
    const single = buildSpec({ model: 'm@champion' }, { ...ab, shadow: { ref: 'm/9', percent: 5 } });
    expect(single).toMatchObject({
      mode: 'single',
      stickyKey: 'user_id',
      shadow: { ref: 'm/9' },
      variants: [{ name: 'primary' }],
    });
    expect(buildSpec({ shadow: null }, single).shadow).toBeNull();
    expect(withWeights(ab, { b: 0 }).variants.map((v) => v.weight)).toEqual([1, 0]);
    expect(() => withWeights(ab, { z: 1 })).toThrow(/no variant "z"/);
    expect(() => buildSpec({}, null)).toThrow(/needs a model/);
    expect(() => parseDeploymentInput({ model: 'm/1', colour: 1 })).toThrow(/Unknown field "colour"/);
    expect(() => parseDeploymentInput({ shadow: { ref: 'm/1', percent: 101 } })).toThrow(/shadow.percent/);
    expect(
      deploymentUses(buildSpec({ variants: parseAbList('m/1=1,m@champion=1,m=1,m/1=2') }, null)),
    ).toEqual([
      { model: 'm', version: 1, alias: null },
      { model: 'm', version: null, alias: 'champion' },
      { model: 'm', version: null, alias: null },
    ]);
  });
});

describe('DeploymentService', () => {
  it('checks references and the feature service before writing, and records every change', async () => {
    const { metadata, clock } = await stores();
    const registry = new MemoryRegistry();
    registry.addLinear('m', classifier(0));
    const checked: string[] = [];
    const service = new DeploymentService({
      repository: metadata.deployments,
      models: registry,
      clock,
      actor: 'alice',
      checkFeatureService: async (name, spec) => {
        checked.push(`${name}:${spec.variants.map((v) => v.ref).join(',')}`);
        if (name === 'wrong')
          throw new KeelError('KEEL_DEPLOY_FEATURE_MISMATCH', 'the model needs feature "x1"');
      },
    });
    const d = await service.put('api', { model: 'm/1', featureService: 'risk' });
    expect([d.revision, checked]).toEqual([1, ['risk:m/1']]);
    await expect(service.put('api', { featureService: 'wrong' })).rejects.toMatchObject({
      code: 'KEEL_DEPLOY_FEATURE_MISMATCH',
    });
    await expect(service.put('api', { model: 'ghost/1' })).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_MODEL_NOT_FOUND',
    });
    await expect(service.canary('nope', { type: 'promote' })).rejects.toMatchObject({
      code: 'KEEL_DEPLOY_NOT_FOUND',
    });
    await expect(service.put('9lives', { model: 'm/1' })).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
    });
    expect((await service.get('api')).revision).toBe(1);
    await service.canary('api', { type: 'start', ref: 'm/1', percent: 20 }, { reason: 'try it' });
    const history = await service.history('api');
    expect(history.map((e) => [e.action, e.actor, e.reason])).toEqual([
      ['create', 'alice', 'deploy m/1'],
      ['canary-start', 'alice', 'try it'],
    ]);
  });
});
