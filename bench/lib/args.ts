// Command-line values of the benchmarks: `--name value`.

/** The value after `name` on the command line, or `fallback`. */
export function argText(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** The number after `name` on the command line, or `fallback`. */
export function argNumber(name: string, fallback: number): number {
  return Number(argText(name, String(fallback)));
}
