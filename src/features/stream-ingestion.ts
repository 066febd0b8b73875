import { KeelError } from '../core/index.js';
import {
  type StreamMessage,
  type StreamStore,
  type StreamSubscription,
  subscribeStream,
} from '../storage/index.js';
import type { FeatureContext } from './internal/context.js';
import { type PushCounters, push, type RejectedEvent } from './push.js';

/** Options for `startStreamIngestion`. */
export interface StreamIngestionOptions {
  /** Stream sources to consume (default: every stream source in the registry). */
  readonly sources?: readonly string[];
  /** Durable consumer name on each topic (default `keel-features`): its position survives restarts. */
  readonly consumer?: string;
  /** Most messages handled at once (default 500). */
  readonly maxBatch?: number;
  /** Longest one fetch waits, in ms (default 1000; bounds how long `close` takes). */
  readonly waitMs?: number;
  /** Called with events left out (malformed JSON, schema mismatch), for logs. */
  readonly onRejected?: (source: string, rejected: readonly RejectedEvent[]) => void;
  /** Called with store failures; the batch is redelivered and tried again. */
  readonly onError?: (error: unknown) => void;
}

/** A running stream ingestion. */
export interface StreamIngestion {
  /** The sources being consumed, with their topics. */
  readonly sources: readonly { readonly source: string; readonly topic: string }[];
  /** Stops consuming after the batch in hand. */
  close(): Promise<void>;
}

function decode(messages: readonly StreamMessage[]): { events: unknown[]; malformed: RejectedEvent[] } {
  const events: unknown[] = [];
  const malformed: RejectedEvent[] = [];
  const text = new TextDecoder();
  for (const m of messages) {
    try {
      const value = JSON.parse(text.decode(m.data)) as unknown;
      if (Array.isArray(value)) events.push(...value);
      else events.push(value);
    } catch (error) {
      malformed.push({
        index: m.seq,
        code: 'KEEL_FEATURE_BAD_VALUE',
        reason: `Message ${m.seq} of topic ${m.topic} is not JSON: ${(error as Error).message}`,
      });
    }
  }
  return { events, malformed };
}

/**
 * Consumes the stream sources' topics from the stream store (NATS JetStream in production, in-process
 * in development) with durable consumers: each message holds one JSON event or a JSON array of
 * events, validated and written exactly as `push` does (offline log and online store, conflict rule:
 * newest event wins, so redelivered messages are harmless). Bad events are rejected and counted,
 * never retried; store failures give the batch back for redelivery.
 */
export async function startStreamIngestion(
  ctx: FeatureContext,
  counters: PushCounters,
  stream: StreamStore,
  options: StreamIngestionOptions = {},
): Promise<StreamIngestion> {
  const catalog = await ctx.catalog();
  const names =
    options.sources ?? [...catalog.sources.values()].filter((s) => s.type === 'stream').map((s) => s.name);
  const sources = names.map((name) => {
    const spec = catalog.source(name);
    if (spec.type !== 'stream') {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Data source "${name}" is a ${spec.type} source, not a stream source.`,
        {
          details: { source: name },
        },
      );
    }
    const online = catalog.viewsOfSource(name).some((v) => v.spec.online);
    return {
      source: name,
      topic: spec.topic!,
      to: online ? ('online_and_offline' as const) : ('offline' as const),
    };
  });
  const consumer = options.consumer ?? 'keel-features';
  const subscriptions: StreamSubscription[] = sources.map(({ source, topic, to }) =>
    subscribeStream(
      stream,
      topic,
      consumer,
      async (messages) => {
        const { events, malformed } = decode(messages);
        if (malformed.length > 0) {
          const count = counters.get(source) ?? { accepted: 0, rejected: 0 };
          count.rejected += malformed.length;
          counters.set(source, count);
          options.onRejected?.(source, malformed);
        }
        if (events.length === 0) return;
        const result = await push(ctx, counters, source, events, { allOrNothing: false, to });
        if (result.rejected.length > 0) options.onRejected?.(source, result.rejected);
      },
      {
        clock: ctx.clock,
        maxBatch: options.maxBatch ?? 500,
        waitMs: options.waitMs ?? 1000,
        ...(options.onError ? { onError: options.onError } : {}),
      },
    ),
  );
  return {
    sources: sources.map(({ source, topic }) => ({ source, topic })),
    async close() {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
