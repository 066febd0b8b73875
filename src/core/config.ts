import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { configSchema, type KeelConfig, type KeelUserConfig, userConfigSchema } from './config-schema.js';
import { KeelError } from './errors.js';

/** Config file names looked up in the project root, in this order. */
export const CONFIG_FILES = ['keel.config.ts', 'keel.config.mjs', 'keel.config.js', 'keel.yaml', 'keel.yml'];

/**
 * Declares a project's configuration in `keel.config.ts` with type checking.
 * Any key may be left out; defaults fill the rest.
 */
export function defineConfig(config: KeelUserConfig): KeelUserConfig {
  return config;
}

/** Environment variables that override config keys (the variable wins over the file). */
export const ENV_OVERRIDES: Readonly<
  Record<string, { path: readonly string[]; kind: 'string' | 'int' | 'float' }>
> = {
  KEEL_HOME: { path: ['home'], kind: 'string' },
  KEEL_LOG_LEVEL: { path: ['logLevel'], kind: 'string' },
  KEEL_METADATA_URL: { path: ['stores', 'metadata'], kind: 'string' },
  KEEL_ARTIFACTS_URL: { path: ['stores', 'artifacts'], kind: 'string' },
  KEEL_OFFLINE_URL: { path: ['stores', 'offline'], kind: 'string' },
  KEEL_ONLINE_URL: { path: ['stores', 'online'], kind: 'string' },
  KEEL_CACHE_URL: { path: ['stores', 'cache'], kind: 'string' },
  KEEL_QUEUE_URL: { path: ['stores', 'queue'], kind: 'string' },
  KEEL_STREAM_URL: { path: ['stores', 'stream'], kind: 'string' },
  KEEL_HOST: { path: ['server', 'host'], kind: 'string' },
  KEEL_PORT: { path: ['server', 'port'], kind: 'int' },
  KEEL_SERVER_TOKEN: { path: ['server', 'token'], kind: 'string' },
  KEEL_WORKERS: { path: ['server', 'workers'], kind: 'int' },
  KEEL_LOG_SAMPLE_RATE: { path: ['monitoring', 'logSampleRate'], kind: 'float' },
  KEEL_WEBHOOK_SECRET: { path: ['monitoring', 'webhookSecret'], kind: 'string' },
};

/** The defaults: everything embedded under `<home>` (default `.keel/`). */
export function defaultConfig(home = '.keel'): KeelConfig {
  return {
    project: 'keel',
    home,
    logLevel: 'info',
    stores: {
      metadata: `sqlite:${home}/metadata.db`,
      artifacts: `file:${home}/artifacts`,
      offline: `duckdb:${home}/offline`,
      online: `sqlite:${home}/online.db`,
      cache: 'memory:',
      queue: 'memory:',
      stream: 'memory:',
    },
    server: {
      host: '127.0.0.1',
      port: 8080,
      workers: 1,
      bodyLimitBytes: 4 * 1024 * 1024,
      requestTimeoutMs: 10_000,
      pollIntervalMs: 2_000,
    },
    monitoring: {
      logSampleRate: 1,
      logFlushIntervalMs: 1_000,
      webhookAllowList: [],
      webhooks: [],
      alertIntervalMs: 30_000,
      qualityWindowMs: 86_400_000,
      qualityIntervalMs: 300_000,
    },
  };
}

/** Where a configuration came from, for `keel` to tell the user. */
export interface LoadedConfig {
  readonly config: KeelConfig;
  /** The absolute project root; relative paths in store URLs resolve against it. */
  readonly root: string;
  /** The config file read, or null when only defaults and environment were used. */
  readonly file: string | null;
}

/** Options for `loadConfig`. */
export interface LoadConfigOptions {
  /** Project root. Default: the current directory. */
  readonly root?: string;
  /** An explicit config file (relative to root). Missing → `KEEL_CONFIG_NOT_FOUND`. */
  readonly file?: string;
  /** Environment used for overrides. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Loads the project configuration: defaults, then the config file, then `KEEL_*`
 * environment overrides. Unknown keys and bad values fail with `KEEL_CONFIG_INVALID`
 * naming the key.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const root = resolve(options.root ?? process.cwd());
  const env = options.env ?? process.env;
  let file: string | null = null;
  if (options.file) {
    file = isAbsolute(options.file) ? options.file : join(root, options.file);
    if (!existsSync(file)) {
      throw new KeelError('KEEL_CONFIG_NOT_FOUND', `Config file ${file} does not exist.`, {
        details: { file },
      });
    }
  } else {
    file = CONFIG_FILES.map((f) => join(root, f)).find((f) => existsSync(f)) ?? null;
  }
  const user = file ? await readConfigFile(file) : {};
  const parsed = userConfigSchema.safeParse(user);
  if (!parsed.success) throw configError(parsed.error, file ?? 'config');
  const home = (parsed.data.home as string | undefined) ?? env.KEEL_HOME ?? '.keel';
  const merged = deepMerge(defaultConfig(home), parsed.data as Record<string, unknown>);
  applyEnv(merged, env);
  const final = configSchema.safeParse(merged);
  if (!final.success) throw configError(final.error, file ?? 'environment');
  return { config: final.data, root, file };
}

/** Builds a resolved config from defaults plus overrides, without any file (tests, SDK use). */
export function resolveConfig(overrides: KeelUserConfig = {}): KeelConfig {
  const parsed = userConfigSchema.safeParse(overrides);
  if (!parsed.success) throw configError(parsed.error, 'config');
  const merged = deepMerge(defaultConfig((overrides.home as string | undefined) ?? '.keel'), parsed.data);
  const final = configSchema.safeParse(merged);
  if (!final.success) throw configError(final.error, 'config');
  return final.data;
}

async function readConfigFile(file: string): Promise<unknown> {
  try {
    if (file.endsWith('.yaml') || file.endsWith('.yml')) {
      return parseYaml(readFileSync(file, 'utf8')) ?? {};
    }
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false });
    const mod = (await jiti.import(file)) as { default?: unknown } | undefined;
    return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  } catch (error) {
    throw new KeelError('KEEL_CONFIG_INVALID', `Could not read ${file}: ${(error as Error).message}`, {
      cause: error,
      details: { file },
    });
  }
}

function configError(error: ZodError, source: string): KeelError {
  const issue = error.issues[0]!;
  const path = issue.path.join('.');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const where = keys.length > 0 ? [path, keys[0]].filter(Boolean).join('.') : path;
  const message =
    keys.length > 0
      ? `Unknown config key "${where}" in ${source}.`
      : `Invalid config value at "${where || '(root)'}" in ${source}: ${issue.message}.`;
  return new KeelError('KEEL_CONFIG_INVALID', message, {
    details: { key: where, source, issues: error.issues },
  });
}

function applyEnv(target: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, spec] of Object.entries(ENV_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (spec.kind !== 'string') {
      value = spec.kind === 'int' ? Number.parseInt(raw, 10) : Number.parseFloat(raw);
      if (!Number.isFinite(value as number) || !/^[-+]?[\d.eE+-]+$/.test(raw)) {
        throw new KeelError('KEEL_CONFIG_INVALID', `Environment variable ${name}="${raw}" is not a number.`, {
          details: { key: spec.path.join('.'), source: name },
        });
      }
    }
    let node = target;
    for (const key of spec.path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[spec.path[spec.path.length - 1]!] = value;
  }
}

function deepMerge<T extends object>(base: T, over: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as object, v as Record<string, unknown>)
        : v;
  }
  return out as T;
}
