import type { Redis } from 'ioredis';
import { KeelError } from '../../core/index.js';
import type {
  OnlineCapabilities,
  OnlineRecord,
  OnlineStore,
  OnlineValue,
  OnlineWriteResult,
  OnlineWriteRow,
} from '../contracts/index.js';
import { assertEntityKeys, assertOnlineRows, assertOnlineView } from '../online-validation.js';

/** Rows per script call: large enough to amortise the call, small enough not to block Redis for long. */
const WRITE_CHUNK = 256;
const SCAN_COUNT = 1000;
const WRITE_ATTEMPTS = 3;
const META_KEY = '_views';

/**
 * Applies the contract's conflict rule to a chunk of rows atomically. KEYS[1] is the views hash
 * (view → newest event), KEYS[2..] the rows' hashes; ARGV[1] is the view, then per row: event,
 * created ('' for none), field count, then field/value pairs. Returns the number of rows written.
 */
const WRITE_SCRIPT = `
local neg = -math.huge
local written = 0
local newest, newestText = nil, nil
local a = 2
for i = 2, #KEYS do
  local key = KEYS[i]
  local ev = tonumber(ARGV[a])
  local crText = ARGV[a + 1]
  local cr = neg
  if crText ~= '' then cr = tonumber(crText) end
  local nf = tonumber(ARGV[a + 2])
  local cur = redis.call('HMGET', key, '_ts', '_created')
  local replace = true
  if cur[1] then
    local sev = tonumber(cur[1])
    if ev < sev then
      replace = false
    elseif ev == sev then
      local scr = neg
      if cur[2] and cur[2] ~= '' then scr = tonumber(cur[2]) end
      if cr < scr then replace = false end
    end
  end
  if replace then
    local args = {'_ts', ARGV[a], '_created', crText}
    for j = 0, nf - 1 do
      args[#args + 1] = ARGV[a + 3 + 2 * j]
      args[#args + 1] = ARGV[a + 4 + 2 * j]
    end
    if cur[1] then redis.call('DEL', key) end
    redis.call('HSET', key, unpack(args))
    written = written + 1
  end
  if newest == nil or ev > newest then
    newest = ev
    newestText = ARGV[a]
  end
  a = a + 3 + 2 * nf
end
if newest ~= nil then
  local stored = redis.call('HGET', KEYS[1], ARGV[1])
  if (not stored) or tonumber(stored) < newest then redis.call('HSET', KEYS[1], ARGV[1], newestText) end
end
return written
`;

type ScriptClient = Redis & {
  keelOnlineWrite(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
};

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * The online store in Redis: one hash per (view, entity) at `<prefix><view>:<entityKey>` with fields
 * `_ts`, `_created` and one JSON-encoded value per feature; a `<prefix>_views` hash keeps each view's
 * newest event. Writes run a Lua script per chunk of rows (the conflict rule inside Redis, so
 * concurrent writers from any process agree); reads are one pipeline of `HMGET`s.
 */
export class RedisOnlineStore implements OnlineStore {
  readonly backend = 'redis';
  readonly capabilities: OnlineCapabilities = { shared: true, atomicBatch: false };
  private readonly client: ScriptClient;

  constructor(
    client: Redis,
    private readonly prefix: string,
    private readonly url: string,
  ) {
    client.defineCommand('keelOnlineWrite', { lua: WRITE_SCRIPT });
    this.client = client as ScriptClient;
  }

  private key(view: string, entityKey: string): string {
    return `${this.prefix}${view}:${entityKey}`;
  }

  async writeBatch(view: string, rows: readonly OnlineWriteRow[]): Promise<OnlineWriteResult> {
    assertOnlineView(view);
    assertOnlineRows(rows);
    let written = 0;
    // At most two chunks in flight: the next chunk is built and sent while Redis runs the previous
    // one, without a queue of calls that would each wait for the ones before (and time out).
    let inFlight: Promise<number> | null = null;
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
      const part = rows.slice(i, i + WRITE_CHUNK);
      const keys = [`${this.prefix}${META_KEY}`, ...part.map((r) => this.key(view, r.entityKey))];
      const args: (string | number)[] = [view];
      for (const r of part) {
        const entries = Object.entries(r.values);
        args.push(
          String(r.eventTimestampMs),
          r.createdTimestampMs == null ? '' : String(r.createdTimestampMs),
        );
        args.push(entries.length);
        for (const [name, value] of entries) args.push(name, JSON.stringify(value));
      }
      const call = this.writeChunk(keys, args);
      // Attach a handler now so a failure while the previous chunk is awaited is not unhandled.
      call.catch(() => undefined);
      if (inFlight) written += await inFlight;
      inFlight = call;
    }
    if (inFlight) written += await inFlight;
    return { written, skipped: rows.length - written };
  }

  /**
   * Runs the write script on one chunk, retrying twice after a command timeout: the script is
   * idempotent under the conflict rule, so a late first run followed by a retry changes nothing.
   */
  private async writeChunk(keys: readonly string[], args: readonly (string | number)[]): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return Number(await this.client.keelOnlineWrite(keys.length, ...keys, ...args));
      } catch (error) {
        const timedOut = error instanceof Error && /timed out/i.test(error.message);
        if (!timedOut || attempt >= WRITE_ATTEMPTS) throw this.unavailable(error);
      }
    }
  }

  async readLatest(
    view: string,
    entityKeys: readonly string[],
    features: readonly string[],
  ): Promise<(OnlineRecord | null)[]> {
    assertOnlineView(view);
    assertEntityKeys(entityKeys);
    if (entityKeys.length === 0) return [];
    const fields = ['_ts', '_created', ...features];
    if (entityKeys.length === 1) {
      const reply = await this.run(() => this.client.hmget(this.key(view, entityKeys[0]!), ...fields));
      return [toRecord(reply)];
    }
    const pipeline = this.client.pipeline();
    for (const k of entityKeys) pipeline.hmget(this.key(view, k), ...fields);
    const results = await this.run(() => pipeline.exec());
    return (results ?? []).map(([error, reply]) => {
      if (error) throw this.unavailable(error);
      return toRecord(reply as (string | null)[]);
    });
  }

  async deleteEntities(view: string, entityKeys: readonly string[]): Promise<number> {
    assertOnlineView(view);
    assertEntityKeys(entityKeys);
    if (entityKeys.length === 0) return 0;
    const keys = [...new Set(entityKeys.map((k) => this.key(view, k)))];
    let removed = 0;
    for (let i = 0; i < keys.length; i += SCAN_COUNT) {
      removed += await this.run(() => this.client.unlink(...keys.slice(i, i + SCAN_COUNT)));
    }
    return removed;
  }

  async clearView(view: string): Promise<number> {
    assertOnlineView(view);
    const match = `${globEscape(`${this.prefix}${view}`)}:*`;
    let removed = 0;
    let cursor = '0';
    do {
      const [next, ids] = await this.run(() => this.client.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT));
      cursor = next;
      if (ids.length > 0) removed += await this.run(() => this.client.unlink(...ids));
    } while (cursor !== '0');
    await this.run(() => this.client.hdel(`${this.prefix}${META_KEY}`, view));
    return removed;
  }

  async newestEventTimestamp(view: string): Promise<number | null> {
    assertOnlineView(view);
    const value = await this.run(() => this.client.hget(`${this.prefix}${META_KEY}`, view));
    return value === null ? null : Number(value);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof KeelError) throw error;
      throw this.unavailable(error);
    }
  }

  private unavailable(error: unknown): KeelError {
    const message = error instanceof Error ? error.message : String(error);
    return new KeelError('KEEL_STORE_UNAVAILABLE', `Redis online store at ${this.url} failed: ${message}.`, {
      cause: error,
      details: { url: this.url },
    });
  }
}

function toRecord(reply: readonly (string | null)[]): OnlineRecord | null {
  const ts = reply[0];
  if (ts === null || ts === undefined) return null;
  const created = reply[1];
  const values = new Array<OnlineValue | undefined>(reply.length - 2);
  for (let i = 2; i < reply.length; i++) {
    const v = reply[i];
    values[i - 2] = v === null || v === undefined ? undefined : (JSON.parse(v) as OnlineValue);
  }
  return {
    values,
    eventTimestampMs: Number(ts),
    createdTimestampMs: created === null || created === undefined || created === '' ? null : Number(created),
  };
}
