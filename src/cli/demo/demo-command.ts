import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createLogger, KeelError, OffsetClock } from '../../core/index.js';
import { Keel } from '../../sdk/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { startOfDay } from '../commands/data-generate.js';
import { intFlag } from '../commands/serve.js';
import { EXIT } from '../exit-codes.js';
import { applyPolicy, dataStep, featuresStep, trainStep } from './build-steps.js';
import { closingStep, untilStopped } from './closing-step.js';
import { Narrator } from './narrator.js';
import { serveStep } from './serve-step.js';
import { simulateDay } from './simulation.js';
import { DAY, DemoWorld, type WorldSize } from './world.js';

interface DemoOptions {
  fast?: boolean;
  rows?: string;
  dir: string;
  port: string;
  serve: boolean;
  seed: string;
  summary?: string;
}

/** Marks a folder the demo made, so a second run may replace it (and nothing else). */
const MARKER = '.keel-demo';

/** The example project shipped with Keel (examples/fraud-detection), from src/ or dist/. */
function exampleProject(): string {
  return fileURLToPath(new URL('../../../examples/fraud-detection', import.meta.url));
}

function sizes(options: DemoOptions): { size: WorldSize; trials: number } {
  if (options.rows !== undefined) {
    const rows = intFlag('rows', options.rows, 2_000, 5_000_000)!;
    return {
      size: {
        historyRows: rows,
        loadRows: Math.min(5_000, Math.ceil(rows / 10)),
        trafficPerDay: Math.ceil(rows * 1.2),
        days: 2,
      },
      trials: 12,
    };
  }
  if (options.fast)
    return { size: { historyRows: 8_000, loadRows: 500, trafficPerDay: 24_000, days: 2 }, trials: 4 };
  return { size: { historyRows: 20_000, loadRows: 2_000, trafficPerDay: 24_000, days: 2 }, trials: 12 };
}

/** Copies the example project into `dir`, replacing an earlier demo there but never anything else. */
function prepareProject(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(resolve(dir, MARKER))) {
      throw new KeelError(
        'KEEL_USAGE',
        `${dir} exists and was not made by keel demo: choose another folder with --dir.`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  cpSync(exampleProject(), dir, {
    recursive: true,
    filter: (src) => !src.includes('.keel') && !src.endsWith('/data'),
  });
  writeFileSync(resolve(dir, MARKER), 'made by keel demo; the next keel demo replaces this folder\n');
}

/** `keel demo`: the whole lifecycle on embedded stores, narrated (what `npm start` runs). */
export const registerDemoCommand = (program: Command, cli: CliContext): void => {
  program
    .command('demo')
    .description('run the whole ML lifecycle end to end on embedded stores, narrated (npm start)')
    .option('--fast', 'less history and 4 trials (what the end-to-end test runs)')
    .option('--rows <n>', 'transactions of history (the traffic scales with it)')
    .option('--dir <dir>', 'project folder to create (replaced on the next run)', '.keel/demo')
    .option('--port <n>', 'HTTP port (a free one when it is taken)', '8080')
    .option('--no-serve', 'stop the server at the end instead of keeping it running')
    .option('--seed <n>', 'seed of the generated world', '42')
    .option('--summary <file>', 'also write the outcome as JSON')
    .action(
      action(cli, async (opts: DemoOptions) => {
        const { size, trials } = sizes(opts);
        const port = intFlag('port', opts.port, 0, 65535)!;
        const seed = intFlag('seed', opts.seed, 0, 2 ** 31)!;
        const dir = resolve(cli.io.cwd, opts.dir);
        prepareProject(dir);
        // The simulated traffic fills the days before today; the clock starts there and catches up.
        const t0 = startOfDay(Date.now()) - size.days * DAY;
        const clock = new OffsetClock(t0);
        const keel = await Keel.open({
          root: dir,
          env: {},
          clock,
          log: createLogger({ level: logLevel(cli.io.env.KEEL_LOG_LEVEL) }),
        });
        const n = new Narrator(cli.io, 7);
        n.say(
          `Keel demo: a card-fraud model's whole life, in ${relative(cli.io.cwd, dir) || '.'} (embedded stores, no network).`,
        );
        let server: Awaited<ReturnType<typeof serveStep>> | null = null;
        try {
          const world = new DemoWorld(t0, size, seed);
          await dataStep(n, keel, world);
          await featuresStep(n, keel, world);
          const champion = await trainStep(n, keel, { trials });
          const policy = await applyPolicy(n, keel);
          server = await serveStep(n, keel, world, port);
          const day = await simulateDay(n, {
            keel,
            clock,
            world,
            server: server.server,
            client: server.client,
            policy,
          });
          await closingStep(n, { keel, dir, url: server.server.url, world, serving: opts.serve });
          if (opts.summary) {
            const summary = { champion, load: server.load, ...day, seconds: Math.round(n.elapsed()) };
            writeFileSync(resolve(cli.io.cwd, opts.summary), `${JSON.stringify(summary, null, 2)}\n`);
          }
          if (opts.serve) await untilStopped();
        } finally {
          server?.client.close();
          await server?.server.close();
          await keel.close();
          clock.release();
        }
        return EXIT.ok;
      }),
    );
};

/** The demo's log level: errors only (the narration says what happens), unless KEEL_LOG_LEVEL asks for more. */
function logLevel(env: string | undefined): 'trace' | 'debug' | 'info' | 'warn' | 'error' {
  return env === 'trace' || env === 'debug' || env === 'info' || env === 'warn' ? env : 'error';
}
