import { KeelError } from '../../core/index.js';
import { type FeatureRequest, type FeatureStore, parseInstant } from '../../features/index.js';
import type { CliContext } from '../cli-context.js';

/** `--repo` and `--json`. */
export type RepoOpt = { repo?: string; json?: boolean };
/** `--features`, `--service`, `--full-names`. */
export type SelectOpts = { features?: string; service?: string; fullNames?: boolean };

/** The project's feature store; `loadCode` says when to run the definitions' code (see `openFeatureStore`). */
export async function cliFeatureStore(
  cli: CliContext,
  repo: string | undefined,
  loadCode: 'always' | 'when-needed' | 'never',
): Promise<{ store: FeatureStore; now: number }> {
  const keel = await cli.keel();
  const store = await keel.features({
    repository: repo ?? null,
    loadCode,
    actor: cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli',
  });
  return { store, now: keel.ctx.clock.now() };
}

/** Parses a time flag: an ISO 8601 time with a zone, epoch milliseconds, or `now`. */
export function parseTimeFlag(text: string, flag: string, now: number): number {
  if (text === 'now') return now;
  if (/^-?\d+$/.test(text)) return Number(text);
  return parseInstant(text, `--${flag}`);
}

/** A scalar from the command line: numbers, true/false, null, else the text itself. */
function cliValue(text: string): unknown {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  return text;
}

/** Parses `key=value[,key=value]` into a row. */
export function parsePairs(text: string, flag: string): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new KeelError(
        'KEEL_USAGE',
        `--${flag} takes key=value pairs, e.g. --${flag} location=Seattle; got "${part}".`,
      );
    row[part.slice(0, eq).trim()] = cliValue(part.slice(eq + 1).trim());
  }
  return row;
}

/** The features asked for: `--features a:b,c:d` or `--service name`, exactly one. */
export function featureRequest(opts: SelectOpts): FeatureRequest {
  if ((opts.features === undefined) === (opts.service === undefined)) {
    throw new KeelError(
      'KEEL_USAGE',
      'Give either --features view:feature,... or --service <feature service>.',
    );
  }
  return opts.service !== undefined
    ? { featureService: opts.service }
    : opts.features!.split(',').map((f) => f.trim());
}

/** Commander reducer collecting a repeated option into a list. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
