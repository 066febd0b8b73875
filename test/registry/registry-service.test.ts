import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/registry/index.js';
import type { MetadataStore, ModelSignature } from '../../src/storage/index.js';
import { RUN_TAGS, Tracking } from '../../src/track/index.js';
import { type TestStores, useTestStores } from '../helpers/stores.js';

const stores = useTestStores();
const signature: ModelSignature = {
  kind: 'columns',
  inputs: [{ name: 'x', type: 'numeric' }],
  outputs: [{ name: 'y', type: 'numeric' }],
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function setup(
  wrap: (m: MetadataStore) => MetadataStore = (m) => m,
): Promise<{ s: TestStores; registry: Registry; tracking: Tracking }> {
  const s = await stores();
  const metadata = wrap(s.metadata);
  return {
    s,
    registry: new Registry({ metadata, artifacts: s.artifacts, clock: s.clock, actor: 'ada' }),
    tracking: new Tracking({ ...s, metadata }),
  };
}

describe('Registry', () => {
  it('registers a version from a run with its bytes, lineage and metrics, and loads it back', async () => {
    const { registry, tracking } = await setup();
    const run = await tracking.startRun({
      name: 'train',
      params: { lr: '0.1' },
      tags: { [RUN_TAGS.gitCommit]: 'f'.repeat(40) },
    });
    await run.logMetrics({ auc: 0.93, loss: Number.NaN });
    await run.logInput({ fingerprint: 'fp-train', name: 'tx' });
    await run.logInput({ fingerprint: 'fp-train', name: 'tx', context: 'validation' });
    await run.end();
    const bytes = Buffer.from('model-bytes');
    const v = await registry.register({
      model: 'fraud',
      runId: run.id,
      content: bytes,
      flavor: 'keel-gbdt',
      signature,
      tags: { owner: 'risk' },
    });
    expect(v).toMatchObject({
      model: 'fraud',
      version: 1,
      artifactDigest: sha(bytes),
      artifactSize: bytes.length,
      metrics: { auc: 0.93 },
      lineage: {
        runId: run.id,
        datasetFingerprints: ['fp-train'],
        featureService: null,
        gitCommit: 'f'.repeat(40),
        params: { lr: '0.1' },
      },
      tags: { owner: 'risk' },
      createdBy: 'ada',
    });
    const loaded = await registry.load('fraud');
    expect(loaded.bytes.equals(bytes)).toBe(true);
    expect((await registry.load('fraud/1')).version.version).toBe(1);
  });

  it('registers from an artifact the run already logged, and sets aliases in the same step', async () => {
    const { registry, tracking } = await setup();
    const run = await tracking.startRun({ name: 'train' });
    const art = await run.logArtifact('model/model.bin', Buffer.from('logged'));
    const v = await registry.register({
      model: 'm',
      runId: run.id,
      artifactPath: 'model/model.bin',
      flavor: 'onnx',
      signature,
      aliases: ['challenger'],
    });
    expect([v.artifactDigest, v.aliases]).toEqual([art.digest, ['challenger']]);
    await expect(
      registry.register({ model: 'm', runId: run.id, artifactPath: 'nope.bin', flavor: 'onnx', signature }),
    ).rejects.toMatchObject({
      code: 'KEEL_ARTIFACT_NOT_FOUND',
    });
    await expect(registry.register({ model: 'm', flavor: 'onnx', signature })).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
    });
    await expect(
      registry.register({
        model: 'm',
        content: Buffer.from('x'),
        flavor: 'onnx',
        signature,
        aliases: ['latest'],
      }),
    ).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_ALIAS_INVALID',
    });
    await expect(
      registry.register({ model: 'bad name', content: Buffer.from('x'), flavor: 'onnx', signature }),
    ).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
    });
    await expect(
      registry.register({ model: 'm', content: Buffer.from('x'), flavor: 'onnx', signature: {} as never }),
    ).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
    });
    expect((await registry.getModel('m')).latestVersion).toBe(1);
  });

  it('leaves no half-registered version when a crash hits after the version row', async () => {
    const crashOnAlias = (m: MetadataStore): MetadataStore => {
      const wrap = (tx: MetadataStore): MetadataStore =>
        new Proxy(tx, {
          get(target, prop, receiver) {
            if (prop === 'registry') {
              return new Proxy(target.registry, {
                get: (r, p, rcv) =>
                  p === 'setAlias' ? () => Promise.reject(new Error('power cut')) : Reflect.get(r, p, rcv),
              });
            }
            if (prop === 'transaction')
              return <T>(fn: (t: MetadataStore) => Promise<T>) => target.transaction((t) => fn(wrap(t)));
            return Reflect.get(target, prop, receiver);
          },
        });
      return wrap(m);
    };
    const { s, registry } = await setup(crashOnAlias);
    const bytes = Buffer.from('orphan');
    await expect(
      registry.register({ model: 'fresh', content: bytes, flavor: 'onnx', signature, aliases: ['champion'] }),
    ).rejects.toThrow('power cut');
    expect(await s.metadata.registry.findModel('fresh')).toBeNull();
    // The blob stays (content-addressed, harmless) and a retry reuses it.
    expect(await s.artifacts.stat(sha(bytes))).toEqual({ digest: sha(bytes), size: bytes.length });
  });

  it('resolves references and explains how to fix a missing alias', async () => {
    const { registry } = await setup();
    for (const n of [1, 2, 3])
      await registry.register({ model: 'fraud', content: Buffer.from(`v${n}`), flavor: 'onnx', signature });
    await registry.setAlias('fraud', 'champion', 2, { reason: 'best auc' });
    expect((await registry.resolve('fraud@champion')).version).toBe(2);
    expect((await registry.resolve('fraud')).version).toBe(3);
    expect((await registry.resolve('fraud/1')).version).toBe(1);
    await expect(registry.resolve('fraud@challenger')).rejects.toThrow(
      'Model "fraud" has no alias "challenger" (it has: champion). Set one with: keel models alias fraud challenger 3',
    );
    await expect(registry.resolve('fraud/9')).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_VERSION_NOT_FOUND',
    });
    await expect(registry.resolve('ghost@champion')).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_MODEL_NOT_FOUND',
    });
    await expect(registry.resolve('fraud@')).rejects.toMatchObject({ code: 'KEEL_REGISTRY_BAD_REFERENCE' });
    await registry.createModel('empty');
    await expect(registry.resolve('empty')).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_VERSION_NOT_FOUND',
    });
  });

  it('moves aliases with attribution, validates names, and tags models and versions', async () => {
    const { registry, s } = await setup();
    for (const n of [1, 2])
      await registry.register({ model: 'fraud', content: Buffer.from(`v${n}`), flavor: 'onnx', signature });
    await registry.setAlias('fraud', 'champion', 1, { reason: 'launch' });
    await s.clock.advance(1000);
    await registry.setAlias('fraud', 'champion', 2, { reason: 'retrained', actor: 'bob' });
    await expect(registry.setAlias('fraud', 'latest', 1)).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_ALIAS_INVALID',
    });
    await expect(registry.setAlias('fraud', 'Champion', 1)).rejects.toMatchObject({
      code: 'KEEL_REGISTRY_ALIAS_INVALID',
    });
    const history = await registry.aliasHistory('fraud', 'champion');
    expect(history.map((e) => [e.fromVersion, e.toVersion, e.actor, e.reason])).toEqual([
      [null, 1, 'ada', 'launch'],
      [1, 2, 'bob', 'retrained'],
    ]);
    expect(history[1]!.at - history[0]!.at).toBe(1000);
    await registry.setTags('fraud', { team: 'risk' });
    await registry.setTags('fraud@champion', { validated: 'yes' });
    await registry.setTags('fraud/1', { old: 'yes' });
    await registry.deleteTags('fraud/1', ['old']);
    expect((await registry.getModel('fraud')).tags).toEqual({ team: 'risk' });
    expect((await registry.resolve('fraud/2')).tags).toEqual({ validated: 'yes' });
    expect((await registry.resolve('fraud/1')).tags).toEqual({});
    await registry.deleteAlias('fraud', 'champion', { reason: 'incident' });
    await registry.deleteVersion('fraud', 2, { reason: 'bad' });
    expect((await registry.listVersions('fraud')).map((v) => v.version)).toEqual([1]);
    await registry.deleteModel('fraud');
    expect(await registry.listModels()).toEqual([]);
  });
});
