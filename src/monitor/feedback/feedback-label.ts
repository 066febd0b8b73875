import { categoricalColumn, Frame, KeelError, numberColumn, textColumn } from '../../core/index.js';

/** A ground-truth label for one logged prediction row. */
export interface FeedbackLabel {
  readonly requestId: string;
  /** Row of a multi-row request (default 0). */
  readonly row: number;
  /** The true value: a class name for classifiers, a number for regressors. */
  readonly label: string | number | boolean;
  /** When Keel received it, epoch ms. */
  readonly receivedAt: number;
}

/** What a model accepts as a label: its classes, or numbers for a regressor. */
export interface LabelExpectation {
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly classes?: readonly string[];
}

/** One rejected feedback item. */
export interface FeedbackProblem {
  /** Index of the item in the request (0 for a single object). */
  readonly index: number;
  readonly requestId: string | null;
  readonly reason: string;
}

const MAX_ID = 200;
const MAX_LABEL = 1_000;

/** The items of a feedback body: one object, an array, or `{ "labels": [...] }`. */
export function feedbackItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object' && Array.isArray((body as { labels?: unknown }).labels)) {
    return (body as { labels: unknown[] }).labels;
  }
  return [body];
}

/** Why `item` is not a valid label (given the model's expectation, when known), or null when it is. */
export function labelProblem(item: unknown, expect: LabelExpectation | null): string | null {
  if (!item || typeof item !== 'object' || Array.isArray(item))
    return 'expected an object with request_id and label';
  const o = item as Record<string, unknown>;
  const id = o.request_id;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) {
    return `request_id must be a non-empty string of at most ${MAX_ID} characters`;
  }
  if (o.row !== undefined && !(Number.isSafeInteger(o.row) && (o.row as number) >= 0)) {
    return 'row must be a whole number >= 0';
  }
  const label = o.label;
  if (label === undefined || label === null) return 'label is missing';
  if (typeof label === 'number' && !Number.isFinite(label)) return 'label must be a finite number';
  if (typeof label === 'string' && (label.length === 0 || label.length > MAX_LABEL)) {
    return `a text label must have 1-${MAX_LABEL} characters`;
  }
  if (!['string', 'number', 'boolean'].includes(typeof label)) {
    return `label must be a string, number or boolean, not ${Array.isArray(label) ? 'an array' : typeof label}`;
  }
  if (!expect) return null;
  if (expect.task === 'regression') {
    return typeof label === 'number'
      ? null
      : `the model is a regressor: label must be a number, got ${JSON.stringify(label)}`;
  }
  const classes = expect.classes ?? [];
  if (classes.length > 0 && !classes.includes(String(label))) {
    return `label ${JSON.stringify(label)} is not a class of the model (classes: ${classes.join(', ')})`;
  }
  return null;
}

/**
 * Validates a feedback body (one `{ request_id, label, row? }`, an array, or `{ labels: [...] }`),
 * all or nothing: any bad item fails the whole call with `KEEL_MONITOR_BAD_FEEDBACK` listing the
 * problems (at most 20, with their index), so a client can fix and resend the batch.
 */
export function parseFeedback(
  body: unknown,
  receivedAt: number,
  expect: LabelExpectation | null = null,
): FeedbackLabel[] {
  const items = feedbackItems(body);
  const problems: FeedbackProblem[] = [];
  const labels: FeedbackLabel[] = [];
  items.forEach((item, index) => {
    const reason = labelProblem(item, expect);
    const o = (item ?? {}) as Record<string, unknown>;
    if (reason) {
      problems.push({ index, requestId: typeof o.request_id === 'string' ? o.request_id : null, reason });
      return;
    }
    labels.push({
      requestId: o.request_id as string,
      row: (o.row as number | undefined) ?? 0,
      label: o.label as string | number | boolean,
      receivedAt,
    });
  });
  if (items.length === 0) problems.push({ index: 0, requestId: null, reason: 'no labels given' });
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new KeelError(
      'KEEL_MONITOR_BAD_FEEDBACK',
      `Feedback rejected: ${problems.length} of ${Math.max(items.length, 1)} item(s) invalid; item ${first.index}${first.requestId ? ` (request ${first.requestId})` : ''}: ${first.reason}. Nothing was recorded.`,
      { details: { problems: problems.slice(0, 20), invalid: problems.length, total: items.length } },
    );
  }
  return labels;
}

/** Encodes labels as one stream message. */
export function encodeLabels(labels: readonly FeedbackLabel[]): Uint8Array {
  return Buffer.from(JSON.stringify({ v: 1, labels }));
}

/** Decodes a message written by `encodeLabels`. */
export function decodeLabels(data: Uint8Array): FeedbackLabel[] {
  const parsed = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as {
    v?: number;
    labels?: FeedbackLabel[];
  };
  if (parsed?.v !== 1 || !Array.isArray(parsed.labels)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      'A feedback message has an unknown format (want { v: 1, labels }).',
    );
  }
  return parsed.labels;
}

/**
 * Labels as the columns of the labels Parquet files: `request_id`, `row`, `label` (text),
 * `label_number` (the label as a number when it is one, else missing), `label_type`
 * (string, number, boolean) and `received_at`.
 */
export function labelsFrame(labels: readonly FeedbackLabel[]): Frame {
  return Frame.fromColumns([
    textColumn(
      'request_id',
      labels.map((l) => l.requestId),
    ),
    numberColumn(
      'row',
      labels.map((l) => l.row),
      'integer',
    ),
    textColumn(
      'label',
      labels.map((l) => String(l.label)),
    ),
    numberColumn(
      'label_number',
      labels.map((l) => (typeof l.label === 'number' ? l.label : null)),
    ),
    categoricalColumn(
      'label_type',
      labels.map((l) => typeof l.label),
    ),
    numberColumn(
      'received_at',
      labels.map((l) => l.receivedAt),
      'timestamp',
    ),
  ]);
}
