/** Ordering terms of the run search grammar, written and read back from the URL. */

const PREFIX = { metric: 'metrics', param: 'params', tag: 'tags', attribute: 'attributes' };

/** A filter/order key as the grammar wants it: plain when an identifier, else in backticks. */
export function quoteKey(key) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key.replaceAll('`', '``')}\``;
}

/** `{ kind, key, desc }` → `metrics.\`validation.auc\` DESC` ('' for none). */
export function orderString(order) {
  return order ? `${PREFIX[order.kind]}.${quoteKey(order.key)} ${order.desc ? 'DESC' : 'ASC'}` : '';
}

/** Reads back what `orderString` wrote; null for anything else. */
export function parseOrder(text) {
  const m = /^(metrics|params|tags|attributes)\.(`(?:[^`]|``)+`|\w+)\s+(ASC|DESC)$/i.exec(text ?? '');
  if (!m) return null;
  const kind = Object.keys(PREFIX).find((k) => PREFIX[k] === m[1].toLowerCase());
  const key = m[2].startsWith('`') ? m[2].slice(1, -1).replaceAll('``', '`') : m[2];
  return { kind, key, desc: m[3].toUpperCase() === 'DESC' };
}

/** 'desc' / 'asc' when `order` sorts on (kind, key), else null. */
export function sortDirection(order, kind, key) {
  if (!order || order.kind !== kind || order.key !== key) return null;
  return order.desc ? 'desc' : 'asc';
}

/** The order after clicking (kind, key): descending first, then flipping. */
export function nextOrder(order, kind, key) {
  const same = sortDirection(order, kind, key) !== null;
  return { kind, key, desc: same ? !order.desc : true };
}
