import { describe, expect, it } from 'vitest';
import { Keel } from '../../src/sdk/index.js';
import { nativeSignature } from '../../src/serve/index.js';
import { runCli as runCliWith } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { classifier } from '../serve/helpers/engine.js';
import { LinearTestModel } from '../serve/helpers/test-models.js';

const runCli = (argv: string[], cwd: string) => runCliWith(argv, cwd, { KEEL_USER: 'tester' });

describe('keel deploy and keel deployments (in-process)', () => {
  it('create, A/B, canary, shadow, history and usage errors', async () => {
    const dir = tempDir('keel-cli-deploy-');
    const keel = await Keel.open({ root: dir, env: {} });
    const model = new LinearTestModel(classifier(0));
    const registry = await keel.registry({ actor: 'test' });
    for (let i = 0; i < 3; i++) {
      await registry.register({
        model: 'm',
        content: model.serialize(),
        flavor: 'keel-linear',
        signature: nativeSignature(model),
      });
    }
    await registry.setAlias('m', 'champion', 1);
    await keel.close();
    const cli = (...args: string[]) => runCli(['--project', dir, ...args], dir);

    const created = await cli('deploy', 'api', '--model', 'm@champion', '--reason', 'first');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Deployment api (revision 1): single m@champion');
    const ab = await cli('deploy', 'api', '--ab', 'm/1=70,m/2=30', '--sticky-key', 'user_id', '--json');
    expect(JSON.parse(ab.stdout)).toMatchObject({ revision: 2, spec: { mode: 'ab', stickyKey: 'user_id' } });
    expect((await cli('deployments', 'weights', 'api', 'a=50,b=50')).stdout).toContain('a=m/1 50%');
    expect((await cli('deploy', 'api', '--model', 'm/1')).code).toBe(0);
    expect((await cli('deploy', 'api', '--canary', 'm/3', '--percent', '20')).stdout).toContain('canary');
    expect((await cli('deploy', 'api', '--canary', 'm/3', '--percent', '60')).stdout).toContain(
      'canary=m/3 60%',
    );
    expect((await cli('deployments', 'step', 'api')).stdout).toContain('canary=m/3 70%');
    expect((await cli('deployments', 'promote', 'api')).stdout).toContain('Promoted api');
    expect((await cli('deploy', 'api', '--shadow', 'm/2', '--percent', '25')).stdout).toContain(
      'shadow m/2 25%',
    );
    const list = await cli('deployments', 'list');
    expect(list.stdout).toMatch(/api\s+single\s+m\/3\s+m\/2 25%/);
    const history = await cli('deployments', 'history', 'api', '--json');
    expect(JSON.parse(history.stdout).map((e: { action: string }) => e.action)).toEqual([
      'create',
      'update',
      'weights',
      'update',
      'canary-start',
      'canary-step',
      'canary-step',
      'promote',
      'update',
    ]);
    const show = await cli('deployments', 'show', 'api');
    expect(show.stdout).toMatch(/shadow:\s+m\/2 \(25%\)/);

    const usage = [
      [await cli('deploy', 'api'), 'Say what to deploy'],
      [await cli('deploy', 'api', '--model', 'm/1', '--ab', 'm/1=1,m/2=1'), 'not --model and --ab'],
      [await cli('deploy', 'api', '--ab', 'm/1=1'), 'at least two'],
      [await cli('deploy', 'api', '--percent', '5'), '--percent goes with'],
      [await cli('deploy', 'api', '--canary', 'm/2', '--percent', '150'), '--percent must be'],
      [await cli('deployments', 'weights', 'api', 'a'), 'variant=weight'],
    ] as const;
    for (const [r, text] of usage) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(text);
    }
    const missing = await cli('deploy', 'api', '--model', 'ghost/1');
    expect([missing.code, missing.stderr.includes('ghost')]).toEqual([2, true]);
    const gone = await cli('deployments', 'show', 'nope');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('KEEL_DEPLOY_NOT_FOUND');
    expect((await cli('deployments', 'delete', 'api')).stdout).toContain('Deleted deployment api');
  });
});
