import { isValidName, KeelError } from '../core/index.js';

/** A parsed model reference: `name@alias`, `name/<version>` or `name` (the latest version). */
export type ModelReference =
  | { readonly kind: 'alias'; readonly model: string; readonly alias: string }
  | { readonly kind: 'version'; readonly model: string; readonly version: number }
  | { readonly kind: 'latest'; readonly model: string };

const VERSION_RE = /^[1-9]\d{0,8}$/;

/**
 * Parses `fraud@champion`, `fraud/3`, `fraud` or `fraud/latest` (an optional MLflow-style
 * `models:/` prefix is accepted). Fails with `KEEL_REGISTRY_BAD_REFERENCE` saying what is wrong.
 */
export function parseModelReference(ref: string): ModelReference {
  const raw = typeof ref === 'string' ? ref.trim() : '';
  const text = raw.startsWith('models:/') ? raw.slice('models:/'.length) : raw;
  const at = text.indexOf('@');
  const slash = text.indexOf('/');
  if (at >= 0 && slash >= 0) throw bad(raw, 'use either @alias or /version, not both');
  const model = at >= 0 ? text.slice(0, at) : slash >= 0 ? text.slice(0, slash) : text;
  if (model === '') throw bad(raw, 'the model name is missing');
  if (!isValidName(model)) {
    throw bad(raw, `"${model}" is not a model name (a letter, then letters, digits, _ . -; at most 128)`);
  }
  if (at >= 0) {
    const alias = text.slice(at + 1);
    if (alias === '') throw bad(raw, 'the alias after "@" is empty');
    if (alias.toLowerCase() === 'latest') return { kind: 'latest', model };
    return { kind: 'alias', model, alias };
  }
  if (slash >= 0) {
    const v = text.slice(slash + 1);
    if (v.toLowerCase() === 'latest') return { kind: 'latest', model };
    if (!VERSION_RE.test(v)) throw bad(raw, `"${v}" is not a version number (1, 2, 3...)`);
    return { kind: 'version', model, version: Number(v) };
  }
  return { kind: 'latest', model };
}

/** The canonical text of a reference: `name@alias`, `name/3` or `name`. */
export function formatModelReference(ref: ModelReference): string {
  if (ref.kind === 'alias') return `${ref.model}@${ref.alias}`;
  if (ref.kind === 'version') return `${ref.model}/${ref.version}`;
  return ref.model;
}

function bad(ref: string, reason: string): KeelError {
  return new KeelError(
    'KEEL_REGISTRY_BAD_REFERENCE',
    `"${ref}" is not a model reference: ${reason}. Refer to a model as name@alias, name/version or name (latest), e.g. fraud@champion or fraud/3.`,
    { details: { reference: ref, reason } },
  );
}
