import type { Frame } from '../../core/index.js';
import { quoteIdent } from '../../storage/index.js';
import type { CsvPlan } from './csv-reader.js';

/** A helper column flagging the raw text of a date/time value that did not parse. */
interface TimeCheck {
  readonly helper: string;
  readonly column: string;
  readonly declared: boolean;
}

/** The SELECT list of a CSV scan and the date/time checks it carries. */
export interface CsvSelect {
  readonly sql: string;
  readonly checks: readonly TimeCheck[];
}

/** A date/time value that did not parse: frame row index, column, raw text. */
export interface TimeFailure {
  readonly index: number;
  readonly column: string;
  readonly value: string;
  readonly declared: boolean;
}

/**
 * The SELECT list for the wanted columns (all by default). Date/time columns are parsed with
 * `TRY_CAST(... AS TIMESTAMPTZ)` (offsets applied, naive times UTC) and each gets a helper column
 * holding the raw text where parsing failed, so failures are found rather than turned into
 * missing values. `casts` gives target types for columns typed after a text scan.
 */
export function csvSelect(
  plan: CsvPlan,
  wanted: readonly string[] | undefined,
  casts: ReadonlyMap<string, string>,
): CsvSelect {
  const checks: TimeCheck[] = [];
  const byName = new Map(plan.columns.map((c) => [c.name, c]));
  const items = (wanted ?? plan.columns.map((c) => c.name)).map((name) => {
    const q = quoteIdent(name);
    const column = byName.get(name);
    if (column?.timestamp) {
      checks.push({ helper: `keel_bad_time_${checks.length}`, column: name, declared: column.declared });
      return `TRY_CAST(${q} AS TIMESTAMPTZ) AS ${q}`;
    }
    const cast = casts.get(name);
    return cast === undefined ? q : `CAST(${q} AS ${cast}) AS ${q}`;
  });
  for (const c of checks) {
    const q = quoteIdent(c.column);
    items.push(
      `CASE WHEN ${q} IS NOT NULL AND TRY_CAST(${q} AS TIMESTAMPTZ) IS NULL THEN ${q} END AS ${quoteIdent(c.helper)}`,
    );
  }
  return { sql: items.join(', '), checks };
}

/** Removes the helper columns of `select` from a frame and returns the failures they flagged. */
export function takeTimeFailures(frame: Frame, select: CsvSelect): { frame: Frame; failures: TimeFailure[] } {
  const failures: TimeFailure[] = [];
  for (const check of select.checks) {
    const helper = frame.column(check.helper);
    for (let i = 0; i < frame.rowCount; i++) {
      const raw =
        helper.type === 'categorical'
          ? helper.codes[i]! < 0
            ? null
            : helper.levels[helper.codes[i]!]!
          : helper.type === 'text'
            ? helper.values[i]!
            : null;
      if (raw !== null)
        failures.push({ index: i, column: check.column, value: raw, declared: check.declared });
    }
  }
  failures.sort((a, b) => a.index - b.index);
  return { frame: frame.drop(select.checks.map((c) => c.helper)), failures };
}
