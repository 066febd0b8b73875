import type { Clock } from '../core/index.js';
import { KeelError } from '../core/index.js';
import type { JsonValue, PipelineRepository } from '../storage/index.js';

/**
 * An event pipeline triggers react to. Monitoring calls the sink with `kind: 'alert'` when an
 * alert rule fires (`subject` = the deployment, `payload.rule` = the rule), and with
 * `kind: 'labels'` when labels arrive (`payload.count` = how many). Other kinds are stored for
 * custom triggers.
 */
export interface PipelineEvent {
  readonly kind: 'alert' | 'labels' | (string & {});
  /** What it is about: a deployment, a model, a source. */
  readonly subject: string;
  readonly payload?: Readonly<Record<string, JsonValue>>;
}

/** The callback other modules call to raise an event; resolves once it is durably recorded. */
export type PipelineEventSink = (event: PipelineEvent) => Promise<number>;

/**
 * A sink that appends events to the metadata store's event log (any process; the schedulers read
 * it on their next tick). Returns the event's sequence number. Bad events fail with `KEEL_INVALID_ARGUMENT`.
 */
export function pipelineEventSink(deps: {
  readonly pipelines: PipelineRepository;
  readonly clock: Clock;
}): PipelineEventSink {
  return async (event) => {
    if (!event || typeof event.kind !== 'string' || !/^[a-z][a-z0-9_-]{0,63}$/.test(event.kind)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        'A pipeline event needs a kind of lower-case letters, digits, _ or - (alert, labels...).',
        {
          details: { kind: event?.kind },
        },
      );
    }
    if (typeof event.subject !== 'string' || event.subject === '') {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `A "${event.kind}" event needs a subject (the deployment or source it is about).`,
        {
          details: { kind: event.kind },
        },
      );
    }
    return deps.pipelines.appendEvent({
      kind: event.kind,
      subject: event.subject,
      payload: JSON.parse(JSON.stringify(event.payload ?? {})) as Record<string, JsonValue>,
      at: deps.clock.now(),
    });
  };
}
