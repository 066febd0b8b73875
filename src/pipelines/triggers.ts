import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { KeelError } from '../core/index.js';
import type { JsonValue, PipelineRepository } from '../storage/index.js';

interface TriggerBase {
  /** Unique among the pipeline's triggers (default `<type>-<n>`); part of the state key. */
  readonly name?: string;
  /** Parameter overrides for the runs it starts. */
  readonly params?: Readonly<Record<string, JsonValue>>;
}

/** New data in a file: fires when its modification time or size changes (or it appears). */
export interface FileTriggerSpec extends TriggerBase {
  readonly type: 'file';
  /** Path, relative to the project root. */
  readonly path: string;
}

/** New rows in a source (file or `postgres://` table): fires when the row count grew by at least `minNew`. */
export interface RowsTriggerSpec extends TriggerBase {
  readonly type: 'rows';
  readonly source: string;
  /** Rows that must have been added since the last fire (default 1). */
  readonly minNew?: number;
}

/** New labels: fires once `count` labels were reported (events of kind `labels` for `subject`) since the last fire. */
export interface LabelsTriggerSpec extends TriggerBase {
  readonly type: 'labels';
  /** The deployment (or model) the labels are for. */
  readonly subject: string;
  readonly count: number;
}

/** An alert from monitoring: fires on `alert` events matching `subject` and `rule` (both optional). */
export interface AlertTriggerSpec extends TriggerBase {
  readonly type: 'alert';
  readonly subject?: string;
  readonly rule?: string;
}

/** What can start a pipeline besides a schedule. */
export type TriggerSpec = FileTriggerSpec | RowsTriggerSpec | LabelsTriggerSpec | AlertTriggerSpec;

/** A checked trigger: its spec with a name. */
export type Trigger = TriggerSpec & {
  readonly name: string;
  readonly params: Readonly<Record<string, JsonValue>>;
};

/** What triggers read besides the file system and the event log. */
export interface TriggerSources {
  /** Row count of a source (default: read it with the data module). */
  countRows(source: string): Promise<number>;
}

/** The outcome of evaluating a trigger: its next state, and why it fires (null = it does not). */
export interface TriggerDecision {
  readonly state: JsonValue;
  readonly fire: string | null;
}

/** Checks triggers (`KEEL_PIPELINE_INVALID` naming the trigger) and names them. */
export function resolveTriggers(specs: readonly TriggerSpec[] | undefined, pipeline: string): Trigger[] {
  const seen = new Set<string>();
  return (specs ?? []).map((spec, i) => {
    const name = spec?.name ?? `${String(spec?.type)}-${i + 1}`;
    const bad = (why: string): never => {
      throw new KeelError('KEEL_PIPELINE_INVALID', `Pipeline "${pipeline}" trigger "${name}": ${why}`, {
        details: { pipeline, trigger: name },
      });
    };
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name) || seen.has(name)) {
      bad('trigger names must be unique and start with a letter, then letters, digits, _ or -.');
    }
    seen.add(name);
    switch (spec.type) {
      case 'file':
        if (typeof spec.path !== 'string' || !spec.path) bad('a file trigger needs a path.');
        break;
      case 'rows':
        if (typeof spec.source !== 'string' || !spec.source) bad('a rows trigger needs a source.');
        if (spec.minNew !== undefined && !(Number.isInteger(spec.minNew) && spec.minNew >= 1)) {
          bad('minNew must be a whole number ≥ 1.');
        }
        break;
      case 'labels':
        if (typeof spec.subject !== 'string' || !spec.subject)
          bad('a labels trigger needs a subject (deployment).');
        if (!(Number.isInteger(spec.count) && spec.count >= 1)) bad('count must be a whole number ≥ 1.');
        break;
      case 'alert':
        break;
      default:
        bad(`unknown type "${String((spec as { type?: unknown }).type)}"; use file, rows, labels or alert.`);
    }
    return { ...spec, name, params: spec.params ?? {} } as Trigger;
  });
}

/**
 * Evaluates a trigger against its stored state (null the first time: the baseline is recorded and
 * nothing fires, so existing data never starts a run). Reads the file system, the source or the
 * event log; pure otherwise.
 */
export async function evaluateTrigger(
  trigger: Trigger,
  state: JsonValue | null,
  io: { readonly root: string; readonly events: PipelineRepository; readonly sources: TriggerSources },
): Promise<TriggerDecision> {
  const s = (state ?? null) as Record<string, JsonValue> | null;
  switch (trigger.type) {
    case 'file': {
      const path = isAbsolute(trigger.path) ? trigger.path : resolve(io.root, trigger.path);
      const seen = await stat(path).then(
        (st) => ({ mtimeMs: Math.floor(st.mtimeMs), size: st.size }),
        () => null,
      );
      if (!s) return { state: { seen }, fire: null };
      const changed = JSON.stringify(seen) !== JSON.stringify(s.seen ?? null);
      return {
        state: { seen },
        fire: changed && seen ? `file ${trigger.path} changed (${seen.size} bytes)` : null,
      };
    }
    case 'rows': {
      const rows = await io.sources.countRows(trigger.source);
      if (!s) return { state: { rows }, fire: null };
      const before = Number(s.rows ?? 0);
      if (rows - before >= (trigger.minNew ?? 1)) {
        return { state: { rows }, fire: `${rows - before} new rows in ${trigger.source}` };
      }
      // Growth below minNew accumulates against the old baseline; a shrunk source resets it.
      return { state: rows < before ? { rows } : s, fire: null };
    }
    case 'labels':
    case 'alert':
      return evaluateEventTrigger(trigger, s, io.events);
  }
}

async function evaluateEventTrigger(
  trigger: Trigger & { readonly type: 'labels' | 'alert' },
  s: Record<string, JsonValue> | null,
  events: PipelineRepository,
): Promise<TriggerDecision> {
  const kind = trigger.type === 'labels' ? 'labels' : 'alert';
  let cursor = Number(s?.cursor ?? 0);
  let pending = Number(s?.pending ?? 0);
  let matched: string | null = null;
  for (let page = 0; page < 100; page++) {
    const batch = await events.listEvents(cursor, { kind, limit: 1000 });
    for (const e of batch) {
      cursor = e.seq;
      if (!s) continue;
      if (trigger.type === 'labels') {
        if (e.subject === trigger.subject) pending += Number(e.payload.count ?? 1) || 0;
      } else if (
        (trigger.subject === undefined || e.subject === trigger.subject) &&
        (trigger.rule === undefined || e.payload.rule === trigger.rule)
      ) {
        matched ??= `alert ${String(e.payload.rule ?? e.kind)} on ${e.subject}`;
      }
    }
    if (batch.length < 1000) break;
  }
  if (!s) return { state: { cursor, pending: 0 }, fire: null };
  if (trigger.type === 'labels' && pending >= trigger.count) {
    return { state: { cursor, pending: 0 }, fire: `${pending} new labels for ${trigger.subject}` };
  }
  return { state: { cursor, pending }, fire: matched };
}
