import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { KeelError } from '../core/index.js';
import { FeatureCatalog } from './catalog.js';
import { REFS, TRANSFORM } from './define.js';
import { normalizeSpec, specDigest } from './internal/normalize.js';
import { OBJECT_KINDS, type ObjectSpec, type OnDemandTransform } from './specs.js';
import { parseYamlDefinitions } from './yaml-definitions.js';

const CODE_RE = /\.(ts|mts|js|mjs)$/;
const YAML_RE = /\.ya?ml$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'data']);
const SKIP_FILES = new Set(['keel.config.ts', 'keel.config.mjs', 'keel.config.js', 'keel.yaml', 'keel.yml']);

/** Feature definitions loaded from a folder: specs (canonical), on-demand functions, and where each was written. */
export interface FeatureRepository {
  /** Absolute folder the definitions were read from. */
  readonly dir: string;
  readonly specs: readonly ObjectSpec[];
  /** On-demand feature view name → its transform. */
  readonly transforms: ReadonlyMap<string, OnDemandTransform>;
  /** `kind:name` → file (relative to `dir`). */
  readonly origins: ReadonlyMap<string, string>;
  /** Files read, relative to `dir`. */
  readonly files: readonly string[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...listFiles(path));
    } else if ((CODE_RE.test(entry.name) && !entry.name.endsWith('.d.ts')) || YAML_RE.test(entry.name)) {
      if (!SKIP_FILES.has(entry.name) && !/\.(test|spec)\.[mc]?[jt]s$/.test(entry.name)) out.push(path);
    }
  }
  return out;
}

function isDefinition(value: unknown): value is ObjectSpec {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    (OBJECT_KINDS as readonly unknown[]).includes((value as { kind?: unknown }).kind)
  );
}

/** Collects every definition reachable from a module's exports (following references), in first-seen order. */
function collect(value: unknown, found: Set<object>, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const refs = (value as { [REFS]?: readonly unknown[] })[REFS];
  if (Array.isArray(refs)) for (const r of refs) collect(r, found, seen);
  if (isDefinition(value)) found.add(value);
}

class Collector {
  readonly specs = new Map<string, ObjectSpec>();
  readonly digests = new Map<string, string>();
  readonly transforms = new Map<string, OnDemandTransform>();
  readonly origins = new Map<string, string>();

  add(raw: ObjectSpec, file: string): void {
    const spec = normalizeSpec(raw);
    const key = `${spec.kind}:${spec.name}`;
    const digest = specDigest(spec);
    const before = this.digests.get(key);
    if (before !== undefined) {
      // The same object reached through several files (imports) is fine; two different ones are not.
      if (before === digest) return;
      throw new KeelError(
        'KEEL_FEATURE_DEFINITION_INVALID',
        `${spec.kind} "${spec.name}" is defined twice, differently: in ${this.origins.get(key)} and in ${file}. Rename one.`,
        { details: { kind: spec.kind, name: spec.name, files: [this.origins.get(key), file] } },
      );
    }
    this.specs.set(key, spec);
    this.digests.set(key, digest);
    this.origins.set(key, file);
    const fn = (raw as { [TRANSFORM]?: OnDemandTransform })[TRANSFORM];
    if (typeof fn === 'function') this.transforms.set(spec.name, fn);
  }
}

async function importModule(path: string, file: string): Promise<Record<string, unknown>> {
  try {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { interopDefault: false, moduleCache: false });
    return (await jiti.import(path)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof KeelError) throw error;
    throw new KeelError(
      'KEEL_FEATURE_DEFINITION_INVALID',
      `Could not load ${file}: ${(error as Error).message}`,
      {
        cause: error,
        details: { file },
      },
    );
  }
}

/**
 * Loads a feature repository: every `.ts`/`.mts`/`.js`/`.mjs` file (its exported definitions and the
 * definitions they refer to) and every `.yaml`/`.yml` file in `dir` and its sub-folders (except dot
 * folders, `node_modules`, `dist`, `data`, tests and Keel config files). Validates the whole set
 * (`KEEL_FEATURE_DEFINITION_INVALID` lists every problem, naming the files).
 */
export async function loadFeatureRepository(dir: string): Promise<FeatureRepository> {
  const root = resolve(dir);
  const info = statSync(root, { throwIfNoEntry: false });
  if (!info?.isDirectory()) {
    throw new KeelError(
      'KEEL_FEATURE_DEFINITION_INVALID',
      `The feature repository ${root} ${info ? 'is not a folder' : 'does not exist'}. Put definitions in features/ or pass --repo <folder>.`,
      { details: { dir: root } },
    );
  }
  const collector = new Collector();
  const files = listFiles(root);
  for (const path of files) {
    const file = relative(root, path);
    if (YAML_RE.test(path)) {
      for (const spec of parseYamlDefinitions(readFileSync(path, 'utf8'), file)) collector.add(spec, file);
      continue;
    }
    const exports = await importModule(path, file);
    const found = new Set<object>();
    const seen = new Set<object>();
    for (const value of Object.values(exports)) collect(value, found, seen);
    for (const def of found) collector.add(def as ObjectSpec, file);
  }
  const repository: FeatureRepository = {
    dir: root,
    specs: [...collector.specs.values()],
    transforms: collector.transforms,
    origins: collector.origins,
    files: files.map((f) => relative(root, f)),
  };
  FeatureCatalog.build(repository.specs, repository.transforms, repository.origins);
  return repository;
}

/** A repository from definitions in memory (tests, programmatic use): same normalisation and validation as files. */
export function repositoryFromDefinitions(definitions: readonly unknown[], dir = '.'): FeatureRepository {
  const collector = new Collector();
  const found = new Set<object>();
  const seen = new Set<object>();
  for (const d of definitions) collect(d, found, seen);
  for (const def of found) collector.add(def as ObjectSpec, '(code)');
  const repository: FeatureRepository = {
    dir: resolve(dir),
    specs: [...collector.specs.values()],
    transforms: collector.transforms,
    origins: collector.origins,
    files: [],
  };
  FeatureCatalog.build(repository.specs, repository.transforms, repository.origins);
  return repository;
}
