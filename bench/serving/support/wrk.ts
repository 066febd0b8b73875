// wrk runs as the peers' bench_serving.sh does: one thread pinned to CPU 1, keep-alive, the POST body
// from post.lua ($BODY_FILE), a machine-readable WRKJSON summary line.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One wrk summary. */
export interface WrkResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly errors: number;
}

/** Runs wrk against `url` for `seconds` with `conns` connections, body from `bodyFile`. */
export async function wrk(
  peers: string,
  url: string,
  bodyFile: string,
  conns: number,
  seconds: number,
  cpu = 1,
): Promise<WrkResult> {
  const { stdout } = await run(
    'taskset',
    [
      '-c',
      String(cpu),
      'wrk',
      '-t1',
      `-c${conns}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      '-s',
      join(peers, 'post.lua'),
      url,
    ],
    { env: { ...process.env, BODY_FILE: bodyFile }, maxBuffer: 1 << 20 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`wrk printed no summary for ${url}: ${stdout.slice(-500)}`);
  const j = JSON.parse(line.slice(8));
  return {
    requests: j.requests,
    rps: j.rps,
    p50_us: j.p50_us,
    p99_us: j.p99_us,
    errors: j.err_connect + j.err_read + j.err_write + j.err_status + j.err_timeout,
  };
}
