import { KeelError } from '../core/index.js';
import { transformHash } from './define.js';
import { validateSpecs } from './internal/validate-specs.js';
import {
  type DataSourceSpec,
  type EntitySpec,
  type FeatureServiceSpec,
  type FeatureViewSpec,
  type FieldSpec,
  OBJECT_KINDS,
  type ObjectKind,
  type ObjectSpec,
  type OnDemandFeatureViewSpec,
  type OnDemandTransform,
} from './specs.js';

/** A feature view with its references resolved. */
export interface ResolvedView {
  readonly spec: FeatureViewSpec;
  readonly entities: readonly EntitySpec[];
  /** The join keys of all its entities, in order. */
  readonly joinKeys: readonly FieldSpec[];
  readonly source: DataSourceSpec;
  /** The batch source of a push or stream source, else null. */
  readonly batchSource: DataSourceSpec | null;
}

/** One feature-view input of an on-demand feature view. */
export interface OnDemandInput {
  readonly view: ResolvedView;
  /** Used under this name in full names (`alias__feature`): the projection's alias or the view's name. */
  readonly name: string;
  readonly features: readonly FieldSpec[];
  readonly joinKeyMap: Readonly<Record<string, string>>;
}

/** An on-demand feature view with its inputs resolved and its transform bound (when code is loaded). */
export interface ResolvedOnDemandView {
  readonly spec: OnDemandFeatureViewSpec;
  readonly inputs: readonly OnDemandInput[];
  readonly requestFields: readonly FieldSpec[];
  /** The function from the loaded repository, or null when only the registry is known. */
  readonly transform: OnDemandTransform | null;
  /** True when the loaded function's hash differs from the registered one (run `keel features apply`). */
  readonly transformChanged: boolean;
}

/** Where each definition was written (`kind:name` → file), for messages. */
export type Origins = ReadonlyMap<string, string>;

/**
 * The validated set of feature definitions, resolved by name: what retrieval, materialisation,
 * ingestion and serving work from. Built from a repository's specs or the registry's records; building
 * fails with `KEEL_FEATURE_DEFINITION_INVALID` listing every problem found.
 */
export class FeatureCatalog {
  readonly entities = new Map<string, EntitySpec>();
  readonly sources = new Map<string, DataSourceSpec>();
  readonly views = new Map<string, ResolvedView>();
  readonly onDemandViews = new Map<string, ResolvedOnDemandView>();
  readonly services = new Map<string, FeatureServiceSpec>();

  private constructor(private readonly all: readonly ObjectSpec[]) {}

  /** Validates and resolves `specs`; `transforms` binds on-demand functions by view name. */
  static build(
    specs: readonly ObjectSpec[],
    transforms: ReadonlyMap<string, OnDemandTransform> = new Map(),
    origins: Origins = new Map(),
  ): FeatureCatalog {
    const problems = validateSpecs(specs, origins);
    if (problems.length > 0) {
      const shown = problems.slice(0, 20);
      throw new KeelError(
        'KEEL_FEATURE_DEFINITION_INVALID',
        `${problems.length === 1 ? 'A feature definition is' : `${problems.length} feature definitions are`} invalid:\n${shown.map((p) => `  - ${p}`).join('\n')}${problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : ''}`,
        { details: { problems } },
      );
    }
    const sorted = [...specs].sort(
      (a, b) => OBJECT_KINDS.indexOf(a.kind) - OBJECT_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name),
    );
    const catalog = new FeatureCatalog(sorted);
    for (const s of sorted) catalog.add(s, transforms);
    return catalog;
  }

  private add(spec: ObjectSpec, transforms: ReadonlyMap<string, OnDemandTransform>): void {
    switch (spec.kind) {
      case 'entity':
        this.entities.set(spec.name, spec);
        return;
      case 'dataSource':
        this.sources.set(spec.name, spec);
        return;
      case 'featureView': {
        const entities = spec.entities.map((e) => this.entities.get(e)!);
        const source = this.sources.get(spec.source)!;
        this.views.set(spec.name, {
          spec,
          entities,
          joinKeys: entities.flatMap((e) => e.joinKeys),
          source,
          batchSource: source.batchSource ? this.sources.get(source.batchSource)! : null,
        });
        return;
      }
      case 'onDemandFeatureView': {
        const fn = transforms.get(spec.name) ?? null;
        this.onDemandViews.set(spec.name, {
          spec,
          inputs: spec.sources.map((p) => {
            const view = this.views.get(p.view)!;
            const wanted = p.features ?? view.spec.features.map((f) => f.name);
            return {
              view,
              name: p.alias ?? view.spec.name,
              features: wanted.map((n) => view.spec.features.find((f) => f.name === n)!),
              joinKeyMap: p.joinKeyMap ?? {},
            };
          }),
          requestFields: spec.requestSources.flatMap((r) => this.sources.get(r)!.schema ?? []),
          transform: fn,
          transformChanged: fn !== null && transformHash(fn) !== spec.transformHash,
        });
        return;
      }
      default:
        this.services.set(spec.name, spec);
    }
  }

  /** Every spec, in dependency order (entities, sources, views, on-demand views, services), then by name. */
  specs(): readonly ObjectSpec[] {
    return this.all;
  }

  /** The feature view named `name`; fails with `KEEL_FEATURE_VIEW_NOT_FOUND` listing the known views. */
  view(name: string): ResolvedView {
    const view = this.views.get(name);
    if (!view) throw notFound('KEEL_FEATURE_VIEW_NOT_FOUND', 'feature view', name, [...this.views.keys()]);
    return view;
  }

  /** The feature service named `name`; fails with `KEEL_FEATURE_SERVICE_NOT_FOUND` listing the known services. */
  service(name: string): FeatureServiceSpec {
    const service = this.services.get(name);
    if (!service)
      throw notFound('KEEL_FEATURE_SERVICE_NOT_FOUND', 'feature service', name, [...this.services.keys()]);
    return service;
  }

  /** The data source named `name`; fails with `KEEL_NOT_FOUND` listing the known sources. */
  source(name: string): DataSourceSpec {
    const source = this.sources.get(name);
    if (!source) throw notFound('KEEL_NOT_FOUND', 'data source', name, [...this.sources.keys()]);
    return source;
  }

  /** The online feature views reading `source` (directly, for push and stream sources). */
  viewsOfSource(source: string): ResolvedView[] {
    return [...this.views.values()].filter((v) => v.spec.source === source);
  }

  /** The spec of `kind` named `name`, or undefined. */
  find(kind: ObjectKind, name: string): ObjectSpec | undefined {
    return this.all.find((s) => s.kind === kind && s.name === name);
  }
}

function notFound(
  code: 'KEEL_FEATURE_VIEW_NOT_FOUND' | 'KEEL_FEATURE_SERVICE_NOT_FOUND' | 'KEEL_NOT_FOUND',
  what: string,
  name: string,
  known: readonly string[],
): KeelError {
  return new KeelError(
    code,
    `No ${what} named "${name}". Known: ${known.length > 0 ? known.join(', ') : '(none: run `keel features apply`)'}.`,
    { details: { name, known } },
  );
}
