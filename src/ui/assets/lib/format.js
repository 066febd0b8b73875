/** Formatting of numbers, times, durations and sizes for display. */

/** A number from the API: finite numbers, or 'NaN' / 'Infinity' / '-Infinity' as strings. */
export function toNumber(v) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return null;
}

/** A number for display: 4 significant digits, integers as they are, NaN and ∞ spelled out. */
export function fmtNumber(v, digits = 4) {
  const n = toNumber(v);
  if (n === null) return '–';
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return n.toExponential(digits - 1);
  return String(Number(n.toPrecision(digits)));
}

const pad = (n) => String(n).padStart(2, '0');

/** Epoch ms as `2026-03-01 14:05:09` in the browser's time zone. */
export function fmtTime(ms) {
  if (typeof ms !== 'number') return '–';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Epoch ms relative to now: `just now`, `5 min ago`, `3 h ago`, `2 d ago`, else the date. */
export function fmtAgo(ms, now = Date.now()) {
  if (typeof ms !== 'number') return '–';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return fmtTime(ms);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 86400 * 30) return `${Math.round(s / 86400)} d ago`;
  return fmtTime(ms).slice(0, 10);
}

/** A duration in ms as `850 ms`, `4.2 s`, `3m05s` or `1h02m`. */
export function fmtDuration(ms) {
  if (typeof ms !== 'number' || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

/** A byte count as `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function fmtBytes(n) {
  if (typeof n !== 'number') return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A percentage with at most one decimal: `25%`, `12.5%`. */
export function fmtPercent(p) {
  return `${Number(p.toFixed(1))}%`;
}

/**
 * 8 characters of an id: the random tail of Keel's 26-character sortable ids (their head is the
 * time, shared by ids made together), the head of anything else (digests, fingerprints).
 */
export function shortId(id) {
  if (typeof id !== 'string') return '–';
  return /^[0-9a-z]{26}$/.test(id) ? id.slice(-8) : id.slice(0, 8);
}
