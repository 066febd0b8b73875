/**
 * Enforces the layers of docs/architecture.md: dependencies point down only, `learn/` is
 * pure, and a module reaches another module only through its `index.ts`.
 */
const DOMAIN = '(data|features|learn|track|registry|serve|monitor)';
const WORKFLOWS = '(pipelines)';
const INTERFACES = '(cli|server|ui|sdk)';

module.exports = {
  forbidden: [
    {
      name: 'core-is-the-bottom',
      comment: 'core/ knows nothing of ours.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'storage-only-core',
      comment: 'storage/ may use core/ only.',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/', pathNot: '^src/(core|storage)/' },
    },
    {
      name: 'domain-points-down',
      comment:
        'domain modules may use storage/, core/ and other domain modules, never workflows or interfaces.',
      severity: 'error',
      from: { path: `^src/${DOMAIN}/` },
      to: { path: `^src/(${WORKFLOWS.slice(1, -1)}|${INTERFACES.slice(1, -1)})/` },
    },
    {
      name: 'learn-is-pure',
      comment: 'learn/ is pure computation: core/ only, no stores, no I/O modules.',
      severity: 'error',
      from: { path: '^src/learn/' },
      to: { path: '^src/', pathNot: '^src/(core|learn)/' },
    },
    {
      name: 'learn-no-io',
      comment: 'learn/ does no I/O (worker_threads for parallel training is allowed).',
      severity: 'error',
      from: { path: '^src/learn/' },
      to: {
        path: '^(fs|node:fs|fs/promises|node:fs/promises|net|node:net|http|node:http|child_process|node:child_process)$',
      },
    },
    {
      name: 'workflows-point-down',
      comment: 'pipelines/ may not use interfaces.',
      severity: 'error',
      from: { path: `^src/${WORKFLOWS}/` },
      to: { path: `^src/${INTERFACES}/` },
    },
    {
      name: 'only-through-index',
      comment: 'Another module is reached only through its public index.ts (src/<module>/index.ts).',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/([^/]+)/.+',
        pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'entry-only-through-index',
      comment: 'The package entry (src/index.ts) re-exports a module only through its index.ts.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/[^/]+/.+', pathNot: '^src/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    exclude: { path: '(^dist/|^node_modules/)' },
  },
};
