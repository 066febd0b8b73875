// README.md, run as written: every ```sh block in order, each with bash (`set -euo pipefail`) in one
// copy of examples/fraud-detection, with `keel` and `npx keel` running the built CLI
// (test/helpers/cli-shims.ts). A block after `<!-- readme-test: skip — <reason> -->` is reported as
// skipped: only the quick start, whose commands CI runs itself (npm ci, npm test, and npm start
// through demo.e2e.test.ts). The ```ts example is type-checked against the built package entry, the
// ```yaml stores block is loaded as a keel.yaml, and every KEEL_* variable named must be one Keel reads.
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_OVERRIDES, loadConfig } from '../../src/core/index.js';
import { CLEAN_ENV, REPO } from '../helpers/built-cli.js';
import { cliShimPath } from '../helpers/cli-shims.js';
import { type FencedBlock, fencedBlocks, firstCommand } from '../helpers/markdown-blocks.js';
import { runShellBlock } from '../helpers/shell-block.js';
import { tempDir } from '../helpers/tmp.js';

const BLOCK_TIMEOUT_MS = 120_000;
const blocks = fencedBlocks(readFileSync(join(REPO, 'README.md'), 'utf8'));
const shellBlocks = blocks.filter((b) => ['sh', 'bash', 'shell'].includes(b.lang));
const tsBlocks = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript');
const yamlBlocks = blocks.filter((b) => b.lang === 'yaml' || b.lang === 'yml');

/** The ports the blocks that run name (`--port 8787`, `localhost:8787`): they must be free. */
function portsOf(run: readonly FencedBlock[]): number[] {
  const ports = run.flatMap((b) =>
    [...b.code.matchAll(/(?:--(?:grpc-)?port[ =]|localhost:|127\.0\.0\.1:)(\d+)/g)].map((m) => Number(m[1])),
  );
  return [...new Set(ports)].filter((p) => p > 0);
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () =>
      reject(
        new Error(`Port ${port} is in use; README.md's serving block needs it free. Stop what holds it.`),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

const tail = (output: string): string => output.split('\n').slice(-40).join('\n');

describe('README.md, run as written', () => {
  const root = tempDir('keel-e2e-readme-');
  let project = '';
  let env: Record<string, string | undefined> = {};
  let failed: string | null = null;

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist/cli/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first.');
    const example = join(REPO, 'examples/fraud-detection');
    project = join(root, 'my-project');
    // What `cp -r examples/fraud-detection my-project` copies, minus state a local run may have left.
    cpSync(example, project, {
      recursive: true,
      filter: (src) => !['.keel', 'data'].includes(relative(example, src).split(sep)[0]!),
    });
    env = { ...CLEAN_ENV, PATH: cliShimPath(join(root, 'bin'), REPO) };
    for (const port of portsOf(shellBlocks.filter((b) => b.skip === null))) await assertPortFree(port);
  });

  it('has shell blocks to run, and skips only npm commands (which CI runs itself)', () => {
    expect(shellBlocks.filter((b) => b.skip === null).length).toBeGreaterThan(0);
    for (const block of shellBlocks.filter((b) => b.skip !== null)) {
      const commands = block.code.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      for (const command of commands)
        expect(command, `README.md:${block.line}: a skipped block may only hold npm commands`).toMatch(
          /^npm /,
        );
    }
  });

  for (const [i, block] of shellBlocks.entries()) {
    const name = `block ${i + 1} (README.md:${block.line}): ${firstCommand(block.code)}`;
    if (block.skip !== null) {
      it.skip(`${name} — skipped: ${block.skip}`, () => {});
      continue;
    }
    it(
      name,
      async (ctx) => {
        if (failed) ctx.skip(`an earlier block failed: ${failed}`);
        const where = `README.md:${block.line}, the block starting \`${firstCommand(block.code)}\`,`;
        failed = where;
        const r = await runShellBlock(block.code, { cwd: project, env, timeoutMs: BLOCK_TIMEOUT_MS });
        const out = `\n--- output (last 40 lines) ---\n${tail(r.output)}`;
        expect(r.timedOut, `${where} did not finish within ${BLOCK_TIMEOUT_MS / 1000} s${out}`).toBe(false);
        expect(r.code, `${where} exited with ${r.code}${out}`).toBe(0);
        expect(r.leftovers, `${where} left processes running (end it with \`kill %1; wait\`)${out}`).toBe(
          false,
        );
        failed = null;
      },
      BLOCK_TIMEOUT_MS + 30_000,
    );
  }
});

describe("README.md's TypeScript example", () => {
  const root = tempDir('keel-e2e-readme-ts-');
  it.each(tsBlocks.map((b) => [b.line, b] as const))(
    'type-checks against the built package entry (README.md:%i)',
    (_line, block) => {
      if (!existsSync(join(REPO, 'dist/index.d.ts')))
        throw new Error('dist/ is missing: run `npm run build` first.');
      // A consumer project whose node_modules/keel links to this repository, as an install would.
      const dir = join(root, `block-${block.line}`);
      mkdirSync(join(dir, 'node_modules'), { recursive: true });
      symlinkSync(REPO, join(dir, 'node_modules', 'keel'), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      const file = join(dir, 'example.ts');
      writeFileSync(file, block.code);
      const program = ts.createProgram([file], {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(REPO, 'node_modules/@types')],
      });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => {
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (!d.file || d.start === undefined) return text;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        return `README.md:${block.line + 1 + line}: ${text}`;
      });
      expect(errors, errors.join('\n')).toEqual([]);
    },
    60_000,
  );
});

describe("README.md's configuration", () => {
  const root = tempDir('keel-e2e-readme-yaml-');
  it.each(yamlBlocks.map((b) => [b.line, b] as const))(
    'the ```yaml block loads as a keel.yaml (README.md:%i)',
    async (_line, block) => {
      const dir = join(root, `block-${block.line}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'keel.yaml'), block.code);
      await expect(loadConfig({ root: dir, env: {} })).resolves.toMatchObject({
        file: join(dir, 'keel.yaml'),
      });
    },
  );

  it('names only environment variables Keel reads', () => {
    const named = new Set(readFileSync(join(REPO, 'README.md'), 'utf8').match(/\bKEEL_[A-Z_]+\b/g) ?? []);
    expect(named.size).toBeGreaterThan(0);
    for (const name of named) expect(Object.keys(ENV_OVERRIDES), name).toContain(name);
  });
});
