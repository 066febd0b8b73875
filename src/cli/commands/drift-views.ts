import type { ColumnDrift, DriftReport } from '../../monitor/index.js';
import type { CliIo } from '../cli-io.js';
import { formatNumber, printTable } from '../output.js';

function noteOf(c: ColumnDrift): string {
  const notes: string[] = [];
  if (c.status !== 'tested')
    notes.push(c.status === 'not_enough_data' ? 'not enough data' : `skipped: ${c.reason}`);
  if (Math.abs(c.missingShareChange) >= 0.005) {
    notes.push(`missing ${c.missingShareChange > 0 ? '+' : ''}${(c.missingShareChange * 100).toFixed(1)} pp`);
  }
  if (c.newCategories.length) {
    const shown = c.newCategories.slice(0, 3).join(', ');
    notes.push(`new: ${shown}${c.newCategories.length > 3 ? ` (+${c.newCategories.length - 3})` : ''}`);
  }
  return notes.join('; ');
}

/** Prints a drift report: one row per column (and the prediction), then the dataset verdict. */
export function printDriftReport(io: CliIo, report: DriftReport): void {
  const rows = report.predictionDrift ? [...report.columns, report.predictionDrift] : report.columns;
  printTable(io, rows, [
    {
      header: 'column',
      value: (c) => (c === report.predictionDrift ? `${c.column} (prediction)` : c.column),
    },
    { header: 'test', value: (c) => c.test },
    { header: 'statistic', value: (c) => c.statistic, right: true },
    {
      header: 'p-value/distance',
      value: (c) =>
        c.pValue !== null
          ? `p=${formatNumber(c.pValue)}`
          : c.distance !== null
            ? `d=${formatNumber(c.distance)}`
            : null,
      right: true,
    },
    { header: 'threshold', value: (c) => c.threshold, right: true },
    { header: 'drift', value: (c) => (c.status !== 'tested' ? '-' : c.drifted ? 'yes' : 'no') },
    { header: 'note', value: noteOf },
  ]);
  const pct = (v: number): string => `${Math.round(v * 1000) / 10}%`;
  io.stdout.write(
    `\nDataset drift: ${report.datasetDrift ? 'YES' : 'no'} — ${report.driftedColumns} of ${report.testedColumns} tested columns drifted (${pct(report.shareOfDriftedColumns)}; drift at >= ${pct(report.driftShare)}).\n`,
  );
  if (report.onlyInReference.length)
    io.stdout.write(`Only in the reference (not tested): ${report.onlyInReference.join(', ')}\n`);
  if (report.onlyInCurrent.length)
    io.stdout.write(`Only in the current data (not tested): ${report.onlyInCurrent.join(', ')}\n`);
}
