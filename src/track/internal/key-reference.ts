import type { RunAttribute } from '../../storage/index.js';
import { filterError, type Token } from './filter-lexer.js';

/** What a filter or order term names: a metric, param, tag or run attribute, and its key. */
export interface KeyReference {
  readonly kind: 'metric' | 'param' | 'tag' | 'attribute';
  readonly key: string;
  /** `<prefix>.<key>` as the user would write it, for messages. */
  readonly label: string;
}

const PREFIXES: Readonly<Record<string, KeyReference['kind']>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

const ATTRIBUTES: Readonly<Record<string, RunAttribute>> = {
  id: 'id',
  run_id: 'id',
  name: 'name',
  run_name: 'name',
  status: 'status',
  start_time: 'start_time',
  end_time: 'end_time',
  parent_run_id: 'parent_run_id',
};

/** Known attribute names (with MLflow's synonyms), for messages. */
export const ATTRIBUTE_NAMES = Object.keys(ATTRIBUTES);

/**
 * Reads `metrics.auc`, ``params.`my key` ``, `tags."x"`, `attributes.status` or a bare attribute
 * (`status`) from `tokens` at `at`; returns the reference and the index after it.
 */
export function readKeyReference(
  source: string,
  tokens: readonly Token[],
  at: number,
): { ref: KeyReference; next: number } {
  const first = tokens[at]!;
  if (first.type !== 'ident') {
    throw filterError(
      source,
      first.pos,
      `expected metrics.<key>, params.<key>, tags.<key> or attributes.<name>, found ${show(first)}`,
    );
  }
  const prefix = first.text.toLowerCase();
  const dot = tokens[at + 1]!;
  if (dot.type !== '.') {
    const attr = ATTRIBUTES[prefix];
    if (attr) return { ref: { kind: 'attribute', key: attr, label: `attributes.${attr}` }, next: at + 1 };
    throw filterError(
      source,
      first.pos,
      `"${first.text}" is not a run attribute; prefix keys with metrics., params., tags. or attributes.`,
    );
  }
  if (prefix === 'dataset' || prefix === 'datasets') {
    throw filterError(
      source,
      first.pos,
      'datasets.* is not supported in run searches; filter on tags instead',
    );
  }
  const kind = PREFIXES[prefix];
  if (!kind) {
    throw filterError(
      source,
      first.pos,
      `unknown prefix "${first.text}"; use metrics, params, tags or attributes`,
    );
  }
  let i = at + 2;
  let key: string;
  const t = tokens[i]!;
  if (t.type === 'quoted-key' || (t.type === 'string' && t.quote === '"')) {
    key = t.text;
    i++;
  } else if (t.type === 'ident') {
    // Bare keys may contain dots: metrics.val.loss names the metric "val.loss".
    key = t.text;
    i++;
    while (tokens[i]?.type === '.' && tokens[i + 1]?.type === 'ident') {
      key += `.${tokens[i + 1]!.text}`;
      i += 2;
    }
  } else {
    throw filterError(
      source,
      t.pos,
      `expected a key after "${first.text}.", found ${show(t)} (use backticks for keys such as \`f1-score\`)`,
    );
  }
  if (key === '') throw filterError(source, t.pos, 'the key is empty');
  if (kind === 'attribute') {
    const attr = ATTRIBUTES[key.toLowerCase()];
    if (!attr)
      throw filterError(
        source,
        t.pos,
        `unknown run attribute "${key}"; known: ${ATTRIBUTE_NAMES.join(', ')}`,
      );
    return { ref: { kind, key: attr, label: `attributes.${attr}` }, next: i };
  }
  return { ref: { kind, key, label: `${kind}s.${key}` }, next: i };
}

/** A token as shown in messages. */
export function show(t: Token): string {
  if (t.type === 'end') return 'the end of the expression';
  if (t.type === 'string') return `${t.quote}${t.text}${t.quote}`;
  if (t.type === 'quoted-key') return `\`${t.text}\``;
  return `"${t.text}"`;
}
