import { relative } from 'node:path';
import pc from 'picocolors';
import type { Keel } from '../../sdk/index.js';
import type { Narrator } from './narrator.js';
import { type DemoWorld, requestRecords } from './world.js';

/** Step 7: where things are, and what to try next. */
export async function closingStep(
  n: Narrator,
  options: {
    readonly keel: Keel;
    readonly dir: string;
    readonly url: string;
    readonly world: DemoWorld;
    readonly serving: boolean;
  },
): Promise<void> {
  const { keel, dir, url, world } = options;
  n.step(
    7,
    'Your turn',
    options.serving
      ? 'The server keeps running with the promoted model. Try these in another terminal (Ctrl+C here stops it):'
      : 'The project stays in its folder. Try these:',
  );
  const project = relative(process.cwd(), dir) || '.';
  const registry = await keel.registry({ actor: 'demo' });
  const champion = await registry.resolve('fraud@champion');
  const body = JSON.stringify({ instances: requestRecords(world.traffic, 0, 1) });
  const lines: [string, string][] = [
    ...(options.serving
      ? ([
          [
            'predict',
            `curl -s ${url}/v1/deployments/fraud/predict -H 'content-type: application/json' -d '${body}'`,
          ],
          ['metrics', `curl -s ${url}/metrics | grep keel_predictions_total`],
          ['web UI', `${url}/ui/`],
        ] as [string, string][])
      : []),
    ['drift report', `${project}/reports/drift.html`],
    ['runs', `npx keel --project ${project} runs list`],
    ['the model', `npx keel --project ${project} models show fraud`],
    ['decisions', `npx keel --project ${project} deployments history fraud`],
    ['pipelines', `npx keel --project ${project} pipeline runs`],
  ];
  for (const [what, how] of lines) n.say(`  ${pc.bold(what.padEnd(13))} ${how}`);
  n.say(
    `\nfraud@champion is fraud/${champion.version}. The project (config, features, pipeline, policy) is a copy of examples/fraud-detection.`,
  );
  n.say(pc.dim(`Keel demo finished in ${Math.round(n.elapsed())} s.`));
}

/** Resolves on SIGINT or SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
