import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../src/core/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('keel CLI basics', () => {
  const dir = tempDir();

  it('prints help and version with exit 0', async () => {
    const help = await runCli(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: keel/);
    const version = await runCli(['--version'], dir);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 with a hint on an unknown command or option', async () => {
    const r = await runCli(['frobnicate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    const o = await runCli(['init', '--bogus'], dir);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/unknown option '--bogus'/);
  });

  it('keel init creates keel.yaml and .keel/, and refuses to overwrite', async () => {
    const r = await runCli(['init', 'proj', '--json'], dir);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.project).toBe('proj');
    expect(existsSync(join(dir, 'proj', '.keel'))).toBe(true);
    expect(readFileSync(join(dir, 'proj', 'keel.yaml'), 'utf8')).toMatch(
      /metadata: 'sqlite:\.keel\/metadata\.db'/,
    );
    expect(readFileSync(join(dir, 'proj', '.gitignore'), 'utf8')).toContain('.keel/');
    const { config } = await loadConfig({ root: join(dir, 'proj'), env: {} });
    expect(config.project).toBe('proj');
    expect(config.stores).toEqual(defaultConfig().stores);
    const again = await runCli(['init', 'proj'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
});
