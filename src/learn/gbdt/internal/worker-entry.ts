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
 * How to start the worker module `name` (without extension) that sits next to this file:
 * `<name>.js` in dist/; from .ts sources (tests, tsx) a bootstrap that registers tsx's loader first
 * (Node 20 ignores `--import` in a worker's execArgv).
 */
export function workerEntry(name: string): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL(`./${name}.js`, here), eval: false };
  const entry = JSON.stringify(new URL(`./${name}.ts`, here).href);
  const tsx = JSON.stringify(tsxLoaderApi(here));
  return {
    script: `import(${tsx}).then((m) => (m.register ?? m.default.register)()).then(() => import(${entry}))`,
    eval: true,
  };
}
