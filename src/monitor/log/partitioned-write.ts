import { join } from 'node:path';
import type { Frame } from '../../core/index.js';
import { writeFrame } from '../../data/index.js';
import type { DuckDBEngine } from '../../storage/index.js';
import { dayOf, type MonitorDataset, partitionFolder } from './log-layout.js';

const DAY_MS = 86_400_000;

/**
 * Writes a frame as Parquet under `<offline>/<dataset>/date=YYYY-MM-DD/part-<stamp>.parquet`, one
 * file per UTC day of `timeColumn` (a timestamp column); each file is written beside its target
 * and renamed, so readers never see a partial file. Returns the paths written.
 */
export async function writePartitioned(
  frame: Frame,
  options: {
    readonly timeColumn: string;
    readonly offline: string;
    readonly dataset: MonitorDataset;
    /** Unique part of the file names (time, sequence, random). */
    readonly stamp: string;
    readonly engine?: DuckDBEngine;
  },
): Promise<string[]> {
  const times = frame.numberColumn(options.timeColumn).values;
  const byDay = new Map<string, number[]>();
  // Rows arrive in time order, so consecutive rows share a day: format a day once per run of rows.
  let lastIndex = Number.NaN;
  let lastRows: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const index = Math.floor(t / DAY_MS);
    if (index !== lastIndex || !Number.isFinite(t)) {
      const day = dayOf(t);
      let rows = byDay.get(day);
      if (!rows) byDay.set(day, (rows = []));
      lastRows = rows;
      lastIndex = index;
    }
    lastRows.push(i);
  }
  const paths: string[] = [];
  for (const [day, rows] of byDay) {
    const part = rows.length === frame.rowCount ? frame : frame.take(rows);
    const path = join(
      partitionFolder(options.offline, options.dataset, day),
      `part-${options.stamp}.parquet`,
    );
    await writeFrame(part, path, {
      format: 'parquet',
      // Written all day on the serving machine: snappy costs less CPU than zstd, and its small
      // tables leave the caches to the serving thread — at full load the log's cost fell from
      // 4.5% to 2.7% of throughput (bench/RESULTS.md), for files about a quarter larger.
      parquetCompression: 'snappy',
      ...(options.engine ? { engine: options.engine } : {}),
    });
    paths.push(path);
  }
  return paths;
}
