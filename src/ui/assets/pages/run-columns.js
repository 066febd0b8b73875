/** Which params and metrics a runs table shows, and metric grouping for charts. */

const METRIC_PRIORITY = [
  /(^|\.)auc$/i,
  /(^|\.)accuracy$/i,
  /(^|\.)f1/i,
  /(^|\.)logloss$/i,
  /(^|\.)rmse$/i,
  /(^|\.)loss$/i,
];

/** The metric to show when only one fits: validation AUC, accuracy, F1, log loss, RMSE, loss, else the first. */
export function keyMetric(metrics) {
  const keys = Object.keys(metrics).sort();
  if (keys.length === 0) return null;
  for (const re of METRIC_PRIORITY) {
    const hits = keys.filter((k) => re.test(k));
    const best = hits.find((k) => /^(validation|valid|val|test|eval)\./.test(k)) ?? hits[0];
    if (best) return best;
  }
  return keys[0];
}

/** The most frequent keys of `pick(run)` over `runs`, at most `max`, ties by name. */
export function frequentKeys(runs, pick, max) {
  const counts = new Map();
  for (const r of runs) for (const k of Object.keys(pick(r))) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1)).slice(0, max);
}

const SPLITS = new Set(['train', 'training', 'validation', 'valid', 'val', 'test', 'eval']);

/** Groups metric keys by name across data splits: `train.auc` and `validation.auc` → `auc`. */
export function groupMetricKeys(keys) {
  const groups = new Map();
  for (const key of [...keys].sort()) {
    const dot = key.indexOf('.');
    const name = dot > 0 && SPLITS.has(key.slice(0, dot)) ? key.slice(dot + 1) : key;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(key);
  }
  return groups;
}
