import { Agent, request } from 'node:http';
import { KeelError } from '../../core/index.js';

/** What a batch of requests did. */
export interface TrafficStats {
  readonly sent: number;
  readonly errors: number;
  /** Requests per second of wall time. */
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers per `variant:version`. */
  readonly variants: Readonly<Record<string, number>>;
}

/** A keep-alive JSON client for one server, like an application calling Keel. */
export class DemoClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(url: string, connections: number) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** POSTs JSON; resolves with the status and the parsed body (null when not JSON). */
  post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = null;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Sends one predict request per record to deployment `name`, `concurrency` at a time, each with
   * its request id (so labels can follow later through `/v1/feedback`).
   */
  async predictAll(
    name: string,
    records: readonly Record<string, unknown>[],
    ids: readonly string[],
    concurrency: number,
  ): Promise<TrafficStats> {
    const latencies = new Float64Array(records.length);
    const variants: Record<string, number> = {};
    let errors = 0;
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= records.length) return;
        const t = performance.now();
        const res = await this.post(
          `/v1/deployments/${name}/predict`,
          { instances: [records[i]], key: ids[i] },
          { 'x-request-id': ids[i]! },
        ).catch(() => ({ status: 0, body: null }));
        latencies[i] = performance.now() - t;
        if (res.status !== 200) {
          errors++;
          continue;
        }
        const b = res.body as { variant: string; version: number };
        const key = `${b.variant}:${b.version}`;
        variants[key] = (variants[key] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
    const seconds = (performance.now() - started) / 1000;
    const sorted = latencies.sort();
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      sent: records.length,
      errors,
      perSecond: seconds > 0 ? records.length / seconds : 0,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      variants,
    };
  }

  /** Sends delayed ground truth for earlier requests, in batches. */
  async sendLabels(model: string, labels: readonly { requestId: string; label: string }[]): Promise<number> {
    let accepted = 0;
    for (let i = 0; i < labels.length; i += 1000) {
      const batch = labels.slice(i, i + 1000).map((l) => ({ request_id: l.requestId, label: l.label }));
      const res = await this.post('/v1/feedback', { model, labels: batch });
      if (res.status >= 300) {
        const body = JSON.stringify(res.body).slice(0, 300);
        throw new KeelError('KEEL_INTERNAL', `POST /v1/feedback answered ${res.status}: ${body}`);
      }
      accepted += (res.body as { accepted?: number } | null)?.accepted ?? 0;
    }
    return accepted;
  }

  close(): void {
    this.agent.destroy();
  }
}
