import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/core/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('config', () => {
  const dir = tempDir();

  it('defaults to embedded stores under .keel/', async () => {
    const { config, file } = await loadConfig({ root: join(dir), env: {} });
    expect(file).toBeNull();
    expect(config.stores.metadata).toBe('sqlite:.keel/metadata.db');
    expect(config.stores.cache).toBe('memory:');
    expect(config.server.host).toBe('127.0.0.1');
  });

  it('reads keel.yaml and applies KEEL_* environment overrides on top', async () => {
    const root = join(dir, 'yaml');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(root);
    writeFileSync(join(root, 'keel.yaml'), 'project: fraud\nserver:\n  port: 9000\n');
    const { config } = await loadConfig({
      root,
      env: { KEEL_METADATA_URL: 'postgres://u@h/db', KEEL_PORT: '9100' },
    });
    expect(config.project).toBe('fraud');
    expect(config.stores.metadata).toBe('postgres://u@h/db');
    expect(config.server.port).toBe(9100);
  });

  it('reads keel.config.ts written with defineConfig', async () => {
    const root = join(dir, 'ts');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(root);
    const core = new URL('../../src/core/index.ts', import.meta.url).pathname;
    writeFileSync(
      join(root, 'keel.config.ts'),
      `import { defineConfig } from '${core}';\nexport default defineConfig({ project: 'typed', stores: { online: 'redis://127.0.0.1:6379' } });\n`,
    );
    const { config, file } = await loadConfig({ root, env: {} });
    expect(file).toMatch(/keel\.config\.ts$/);
    expect(config.project).toBe('typed');
    expect(config.stores.online).toBe('redis://127.0.0.1:6379');
  });

  it('rejects unknown keys and bad values naming the key', async () => {
    expect(() => resolveConfig({ stores: { metdata: 'x' } } as never)).toThrowError(
      /Unknown config key "stores.metdata"/,
    );
    expect(() => resolveConfig({ server: { port: -1 } })).toThrowError(/"server.port"/);
    await expect(loadConfig({ root: dir, env: { KEEL_PORT: 'eighty' } })).rejects.toMatchObject({
      code: 'KEEL_CONFIG_INVALID',
    });
    await expect(loadConfig({ root: dir, file: 'nope.yaml', env: {} })).rejects.toMatchObject({
      code: 'KEEL_CONFIG_NOT_FOUND',
    });
  });
});
