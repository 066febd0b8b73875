import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { CLEAN_ENV, REPO } from '../helpers/built-cli.js';
import { bullmqUrl } from '../helpers/bullmq-url.js';
import { waitFor } from '../helpers/poll.js';
import { serviceUrl } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const redis = serviceUrl('redis');
const BIN = join(REPO, 'bin/keel.js');

/** A child `keel` process and everything it printed so far. */
interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  output: string;
  readonly exited: Promise<number | null>;
}

describe.skipIf(!redis)('a killed worker’s step is finished by another worker, once', () => {
  const project = tempDir('keel-e2e-kill-');
  const prefix = `keel-e2e-${randomHex(5)}`;
  const marks = join(project, 'marks.log');
  const release = join(project, 'release');
  const children: Child[] = [];

  const keel = (args: string[]): Child => {
    const proc = spawn(process.execPath, [BIN, '--project', project, ...args], {
      cwd: project,
      env: { ...CLEAN_ENV, KEEL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child: Child = {
      proc,
      pid: proc.pid!,
      output: '',
      exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))),
    };
    proc.stdout!.on('data', (d: Buffer) => {
      child.output += d.toString();
    });
    proc.stderr!.on('data', (d: Buffer) => {
      child.output += d.toString();
    });
    children.push(child);
    return child;
  };

  afterAll(async () => {
    for (const c of children)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    const queue = await openStore('queue', bullmqUrl(redis!, prefix), {
      root: project,
      log: silentLogger(),
      clock: systemClock,
    });
    await queue.clear('keel-pipeline-steps').catch(() => undefined);
    await queue.close();
  });

  it('kill -9 mid-step: the step is redelivered, completed by the second worker and recorded once', async () => {
    if (!existsSync(join(REPO, 'dist/cli/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first.');
    writeFileSync(join(project, 'keel.yaml'), `stores:\n  queue: ${bullmqUrl(redis!, prefix)}\n`);
    mkdirSync(join(project, 'pipelines'));
    writeFileSync(
      join(project, 'pipelines/slow.ts'),
      `import { appendFileSync, existsSync } from 'node:fs';
export default {
  name: 'slow',
  steps: [
    { name: 'prepare', run: async () => 21 },
    {
      name: 'long',
      inputs: { x: 'prepare' },
      run: async ({ x }: { x: number }, _p: unknown, ctx: { clock: { sleep(ms: number, s: AbortSignal): Promise<void> }; signal: AbortSignal }) => {
        appendFileSync(${JSON.stringify(marks)}, 'start ' + process.pid + '\\n');
        while (!existsSync(${JSON.stringify(release)})) await ctx.clock.sleep(20, ctx.signal);
        appendFileSync(${JSON.stringify(marks)}, 'done ' + process.pid + '\\n');
        return x * 2;
      },
    },
  ],
};
`,
    );
    const first = keel(['worker', '--lock-ms', '1000', '--name', 'worker-a']);
    await waitFor(() => first.output.includes('ready'), 20_000);
    const run = keel(['pipeline', 'run', 'pipelines/slow.ts', '--runner', 'queue', '--json']);
    await waitFor(
      () => existsSync(marks) && readFileSync(marks, 'utf8').includes(`start ${first.pid}`),
      20_000,
    );
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    writeFileSync(release, '');
    const second = keel(['worker', '--lock-ms', '1000', '--name', 'worker-b']);
    expect(await run.exited).toBe(0);
    const result = JSON.parse(run.output.slice(run.output.indexOf('{'))) as {
      run: { id: string; status: string };
      steps: { step: string; status: string; worker: string; attempts: number; outputDigest: string }[];
    };
    expect(result.run.status).toBe('SUCCEEDED');
    expect(result.steps.map((s) => [s.step, s.status, s.worker, s.attempts])).toEqual([
      ['prepare', 'SUCCEEDED', 'worker-a', 1],
      ['long', 'SUCCEEDED', 'worker-b', 2],
    ]);
    const lines = readFileSync(marks, 'utf8').trim().split('\n');
    expect(lines).toEqual([`start ${first.pid}`, `start ${second.pid}`, `done ${second.pid}`]);

    const shown = keel(['pipeline', 'show', result.run.id, '--json']);
    expect(await shown.exited).toBe(0);
    const details = JSON.parse(shown.output) as {
      attempts: { step: string; attempt: number; worker: string; outcome: string }[];
    };
    expect(
      details.attempts.filter((a) => a.step === 'long').map((a) => [a.attempt, a.worker, a.outcome]),
    ).toEqual([
      [1, 'worker-a', 'lost'],
      [2, 'worker-b', 'succeeded'],
    ]);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
