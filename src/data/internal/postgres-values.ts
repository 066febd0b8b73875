import { type Column, categoricalColumn, type DataType, isNumberType, textColumn } from '../../core/index.js';
import { stringColumnType } from '../infer.js';

/** PostgreSQL type OIDs Keel maps; everything else is read as text. */
const PG_TYPES: Readonly<Record<number, DataType>> = {
  16: 'boolean',
  20: 'integer',
  21: 'integer',
  23: 'integer',
  26: 'integer',
  700: 'numeric',
  701: 'numeric',
  1700: 'numeric',
  1082: 'timestamp',
  1114: 'timestamp',
  1184: 'timestamp',
  25: 'categorical',
  1042: 'categorical',
  1043: 'categorical',
  19: 'categorical',
};

/** The Keel type of a PostgreSQL column by type OID (strings: categorical until the cardinality rule decides). */
export function pgKeelType(oid: number): DataType {
  return PG_TYPES[oid] ?? 'text';
}

/** Parses PostgreSQL's text form of a timestamp/date (session zone UTC) to epoch ms, or NaN. */
export function parsePgTime(text: string): number {
  let s = text.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00';
  s = s.replace(/(\.\d{3})\d+/, '$1');
  const zone = /([+-]\d{2})(:?(\d{2}))?(:\d{2})?$/.exec(s.slice(19));
  if (zone) s = `${s.slice(0, 19 + zone.index)}${zone[1]}:${zone[3] ?? '00'}`;
  else if (!s.endsWith('Z')) s += 'Z';
  return Date.parse(s);
}

/** Parses one text value as `type`; NaN when it does not fit (missing values are handled by the caller). */
export function parseNumber(text: string, type: DataType): number {
  if (type === 'boolean') {
    const t = text.trim().toLowerCase();
    if (t === 't' || t === 'true' || t === '1' || t === 'yes') return 1;
    if (t === 'f' || t === 'false' || t === '0' || t === 'no') return 0;
    return Number.NaN;
  }
  if (type === 'timestamp') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : parsePgTime(text);
  }
  if (text.trim() === '') return Number.NaN;
  const n = Number(text);
  return type === 'integer' && !Number.isInteger(n) ? Number.NaN : n;
}

/** Builds a frame column from text values already checked to fit `type` (null = missing). */
export function columnFromText(
  name: string,
  type: DataType,
  declared: boolean,
  values: readonly (string | null)[],
): Column {
  if (isNumberType(type)) {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined ? Number.NaN : parseNumber(v, type);
    }
    return { name, type, values: out };
  }
  const column = categoricalColumn(name, values);
  const kind = declared
    ? type
    : stringColumnType({
        name,
        rows: values.length,
        nonMissing: column.codes.filter((c) => c >= 0).length,
        distinct: column.levels.length,
      });
  return kind === 'categorical' ? column : textColumn(name, values);
}
