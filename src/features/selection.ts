import { KeelError } from '../core/index.js';
import type { FeatureCatalog, ResolvedOnDemandView, ResolvedView } from './catalog.js';
import type { FeatureServiceSpec, FieldSpec, ProjectionSpec } from './specs.js';

/** One requested feature, as it will appear in the output. */
export interface SelectedFeature {
  /** `view:feature`, with the projection's alias as the view part when aliased. */
  readonly ref: string;
  /** Output column: `feature`, or `view__feature` with full feature names. */
  readonly outputName: string;
  /** The feature view or on-demand feature view it comes from. */
  readonly viewName: string;
  readonly feature: FieldSpec;
  readonly onDemand: boolean;
  /** The view read for it (null for on-demand features). */
  readonly request: ViewRequest | null;
}

/** A feature view to read, with the entity-row columns holding its join keys. */
export interface ViewRequest {
  readonly view: ResolvedView;
  /** Alias or view name: the prefix of full feature names and of on-demand inputs. */
  readonly name: string;
  /** Features to read (requested ones plus on-demand inputs), in the view's order. */
  readonly features: FieldSpec[];
  /** For each join key, the entity-row column it is read from. */
  readonly keyColumns: readonly { readonly key: FieldSpec; readonly column: string }[];
}

/** An on-demand feature view to compute. */
export interface OnDemandRequest {
  readonly odfv: ResolvedOnDemandView;
  /** Alias or name (prefix of full feature names). */
  readonly name: string;
  /** The view requests its inputs come from, with the features of each it reads. */
  readonly inputs: readonly {
    readonly request: ViewRequest;
    readonly name: string;
    readonly features: readonly FieldSpec[];
  }[];
}

/** A resolved request for features: what to read, what to compute, and what to return in which order. */
export interface FeatureSelection {
  readonly features: readonly SelectedFeature[];
  readonly views: readonly ViewRequest[];
  readonly onDemand: readonly OnDemandRequest[];
  /** Entity-row columns holding join keys, with their types (first use wins). */
  readonly entityColumns: readonly FieldSpec[];
  /** Request fields the on-demand views need. */
  readonly requestFields: readonly FieldSpec[];
  /** The feature service, when the request named one. */
  readonly service: FeatureServiceSpec | null;
}

/** What to select: feature references (`view:feature`) or a feature service by name. */
export type FeatureRequest = readonly string[] | { readonly featureService: string };

function parseRef(ref: string): ProjectionSpec {
  const m = /^([^:]+):([^:]+)$/.exec(typeof ref === 'string' ? ref.trim() : '');
  if (!m) {
    throw new KeelError(
      'KEEL_FEATURE_NOT_FOUND',
      `${JSON.stringify(ref)} is not a feature reference. Write features as <view>:<feature>, e.g. daily_weather:temp_max.`,
      { details: { ref } },
    );
  }
  return { view: m[1]!, features: [m[2]!] };
}

class SelectionBuilder {
  readonly features: SelectedFeature[] = [];
  readonly views: ViewRequest[] = [];
  readonly onDemand: OnDemandRequest[] = [];
  private readonly names = new Map<string, string>();

  constructor(
    private readonly catalog: FeatureCatalog,
    private readonly fullNames: boolean,
  ) {}

  viewRequest(
    view: ResolvedView,
    alias: string | undefined,
    joinKeyMap: Readonly<Record<string, string>>,
  ): ViewRequest {
    const name = alias ?? view.spec.name;
    const keyColumns = view.joinKeys.map((key) => ({ key, column: joinKeyMap[key.name] ?? key.name }));
    const same = this.views.find(
      (r) =>
        r.view === view &&
        r.name === name &&
        r.keyColumns.every((k, i) => k.column === keyColumns[i]!.column),
    );
    if (same) return same;
    const request: ViewRequest = { view, name, features: [], keyColumns };
    this.views.push(request);
    return request;
  }

  private need(request: ViewRequest, wanted: readonly FieldSpec[]): void {
    for (const f of wanted) if (!request.features.includes(f)) request.features.push(f);
    request.features.sort(
      (a, b) => request.view.spec.features.indexOf(a) - request.view.spec.features.indexOf(b),
    );
  }

  private output(viewName: string, prefix: string, feature: FieldSpec, request: ViewRequest | null): void {
    const outputName = this.fullNames ? `${prefix}__${feature.name}` : feature.name;
    const ref = `${prefix}:${feature.name}`;
    const previous = this.names.get(outputName);
    if (previous === ref) return;
    if (previous !== undefined) {
      throw new KeelError(
        'KEEL_FEATURE_NAME_COLLISION',
        `Features ${previous} and ${ref} would both be named "${outputName}". Ask for full feature names (view__feature) or give one view an alias.`,
        { details: { output: outputName, refs: [previous, ref] } },
      );
    }
    this.names.set(outputName, ref);
    this.features.push({ ref, outputName, viewName, feature, onDemand: request === null, request });
  }

  add(p: ProjectionSpec): void {
    const view = this.catalog.views.get(p.view);
    const odfv = this.catalog.onDemandViews.get(p.view);
    if (!view && !odfv) {
      const known = [...this.catalog.views.keys(), ...this.catalog.onDemandViews.keys()];
      throw new KeelError(
        'KEEL_FEATURE_VIEW_NOT_FOUND',
        `No feature view named "${p.view}". Known: ${known.join(', ') || '(none: run `keel features apply`)'}.`,
        { details: { view: p.view, known } },
      );
    }
    const all = (view?.spec ?? odfv!.spec).features;
    const wanted = (p.features ?? all.map((f) => f.name)).map((name) => {
      const f = all.find((x) => x.name === name);
      if (!f) {
        throw new KeelError(
          'KEEL_FEATURE_NOT_FOUND',
          `Feature view "${p.view}" has no feature "${name}". Its features: ${all.map((x) => x.name).join(', ')}.`,
          { details: { view: p.view, feature: name, features: all.map((x) => x.name) } },
        );
      }
      return f;
    });
    const prefix = p.alias ?? p.view;
    if (view) {
      const request = this.viewRequest(view, p.alias, p.joinKeyMap ?? {});
      this.need(request, wanted);
      for (const f of wanted) this.output(view.spec.name, prefix, f, request);
      return;
    }
    this.addOnDemand(odfv!, prefix);
    for (const f of wanted) this.output(odfv!.spec.name, prefix, f, null);
  }

  private addOnDemand(odfv: ResolvedOnDemandView, name: string): void {
    if (this.onDemand.some((o) => o.odfv === odfv && o.name === name)) return;
    const inputs = odfv.inputs.map((input) => {
      const request = this.viewRequest(
        input.view,
        input.name === input.view.spec.name ? undefined : input.name,
        input.joinKeyMap,
      );
      this.need(request, input.features);
      return { request, name: input.name, features: input.features };
    });
    this.onDemand.push({ odfv, name, inputs });
  }
}

/**
 * Resolves a request for features against the catalog: which views to read (each once, with its
 * join-key columns), which on-demand views to compute and the output order and names. Fails with
 * `KEEL_FEATURE_VIEW_NOT_FOUND`, `KEEL_FEATURE_NOT_FOUND`, `KEEL_FEATURE_SERVICE_NOT_FOUND` or
 * `KEEL_FEATURE_NAME_COLLISION` (two features with one output name: use full names).
 */
export function selectFeatures(
  catalog: FeatureCatalog,
  request: FeatureRequest,
  options: { readonly fullFeatureNames?: boolean } = {},
): FeatureSelection {
  const builder = new SelectionBuilder(catalog, options.fullFeatureNames === true);
  let service: FeatureServiceSpec | null = null;
  if (Array.isArray(request)) {
    if (request.length === 0) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        'No features requested: list <view>:<feature> references or name a feature service.',
      );
    }
    for (const ref of request as readonly string[]) builder.add(parseRef(ref));
  } else {
    service = catalog.service((request as { featureService: string }).featureService);
    for (const p of service.features) builder.add(p);
  }
  const columns = new Map<string, FieldSpec>();
  for (const v of builder.views) {
    for (const k of v.keyColumns)
      if (!columns.has(k.column)) columns.set(k.column, { name: k.column, type: k.key.type });
  }
  const fields = new Map<string, FieldSpec>();
  for (const o of builder.onDemand)
    for (const f of o.odfv.requestFields) if (!fields.has(f.name)) fields.set(f.name, f);
  return {
    features: builder.features,
    views: builder.views,
    onDemand: builder.onDemand,
    entityColumns: [...columns.values()],
    requestFields: [...fields.values()],
    service,
  };
}
