import { isValidName, KeelError } from '../../core/index.js';

/** A parsed model reference: pinned to a version, through an alias, or the latest version. */
export type ParsedRef =
  | { readonly model: string; readonly kind: 'version'; readonly version: number }
  | { readonly model: string; readonly kind: 'alias'; readonly alias: string }
  | { readonly model: string; readonly kind: 'latest' };

const VERSION_RE = /^[1-9]\d{0,8}$/;

/**
 * Parses `name/version`, `name@alias` or `name` (latest; also `name/latest`, `name@latest`), with an
 * optional MLflow-style `models:/` prefix — the same forms as the registry's `parseModelReference`.
 * Fails with `KEEL_REGISTRY_BAD_REFERENCE`. Only the shape is checked: the model source decides
 * whether the model exists.
 */
export function parseModelRef(ref: string): ParsedRef {
  const raw = typeof ref === 'string' ? ref.trim() : '';
  const bad = (reason: string): KeelError =>
    new KeelError(
      'KEEL_REGISTRY_BAD_REFERENCE',
      `"${raw.slice(0, 80)}" is not a model reference: ${reason}. Use name@alias, name/version or name, e.g. fraud@champion.`,
      { details: { ref: raw.slice(0, 80), reason } },
    );
  const text = raw.startsWith('models:/') ? raw.slice(8) : raw;
  const at = text.indexOf('@');
  const slash = text.indexOf('/');
  if (at >= 0 && slash >= 0) throw bad('use either @alias or /version, not both');
  const model = at >= 0 ? text.slice(0, at) : slash >= 0 ? text.slice(0, slash) : text;
  if (!isValidName(model)) throw bad(`"${model.slice(0, 40)}" is not a model name`);
  if (at >= 0) {
    const alias = text.slice(at + 1);
    if (alias === '') throw bad('the alias after "@" is empty');
    return alias.toLowerCase() === 'latest' ? { model, kind: 'latest' } : { model, kind: 'alias', alias };
  }
  if (slash >= 0) {
    const v = text.slice(slash + 1);
    if (v.toLowerCase() === 'latest') return { model, kind: 'latest' };
    if (!VERSION_RE.test(v)) throw bad(`"${v.slice(0, 20)}" is not a version number`);
    return { model, kind: 'version', version: Number(v) };
  }
  return { model, kind: 'latest' };
}
