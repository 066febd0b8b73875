import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The ESM entry of tsx's `register` API (a devDependency, only needed when running from sources). */
function tsxLoaderApi(here: string): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    const pkg = createRequire(here).resolve('tsx/package.json');
    return pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
  }
}

/**
 * How to start a worker thread on the module at `relative` (without extension) from the module
 * `callerUrl` (its `import.meta.url`): the `.js` file when running from dist/; from .ts sources
 * (vitest, tsx) a bootstrap that registers tsx's loader first, because Node 20 ignores `--import` in
 * a worker's execArgv. Pass the result to `new Worker(entry.script, { eval: entry.eval })`.
 */
export function workerEntry(callerUrl: string, relative: string): { script: string | URL; eval: boolean } {
  if (!callerUrl.endsWith('.ts')) return { script: new URL(`${relative}.js`, callerUrl), eval: false };
  const entry = JSON.stringify(new URL(`${relative}.ts`, callerUrl).href);
  const tsx = JSON.stringify(tsxLoaderApi(callerUrl));
  return {
    script: `import(${tsx}).then((m) => (m.register ?? m.default.register)()).then(() => import(${entry}))`,
    eval: true,
  };
}
