import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTuneDisplay } from '../../src/cli/commands/tune-display.js';
import type { TuneEvent, TuneTrialSummary } from '../../src/pipelines/index.js';

function io(tty: boolean) {
  const stderr = Object.assign(new PassThrough(), { isTTY: tty, columns: 200 });
  let text = '';
  stderr.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { io: { stdout: new PassThrough(), stderr, env: {}, cwd: '/' }, text: () => text };
}

const trial = (number: number, over: Partial<TuneTrialSummary> = {}): TuneTrialSummary => ({
  number,
  state: 'running',
  value: null,
  params: { learningRate: 0.123456, maxDepth: 4 },
  runId: `run-${number}`,
  rounds: null,
  ...over,
});

const counts = (complete: number, pruned: number, running: number) => ({
  trials: complete + pruned + running,
  complete,
  pruned,
  failed: 0,
  running,
});

const EVENTS: TuneEvent[] = [
  {
    kind: 'study-started',
    studyId: 's1',
    parentRunId: 'p1',
    resumed: false,
    metric: 'auc',
    direction: 'maximize',
    trials: 3,
  },
  { kind: 'trial-started', trial: trial(0), counts: counts(0, 0, 1) },
  { kind: 'trial-round', number: 0, round: 1, value: 0.9 },
  {
    kind: 'trial-finished',
    trial: trial(0, { state: 'complete', value: 0.95, rounds: 20 }),
    counts: counts(1, 0, 0),
    best: trial(0, { state: 'complete', value: 0.95, rounds: 20 }),
  },
  { kind: 'trial-started', trial: trial(1), counts: counts(1, 0, 1) },
  {
    kind: 'trial-finished',
    trial: trial(1, { state: 'pruned', value: 0.7, rounds: 4 }),
    counts: counts(1, 1, 0),
    best: trial(0, { state: 'complete', value: 0.95, rounds: 20 }),
  },
];

describe('keel tune display', () => {
  it('writes one line per finished trial on a pipe', () => {
    const { io: fake, text } = io(false);
    const display = createTuneDisplay(fake, { silent: false });
    for (const e of EVENTS) display.onEvent(e);
    display.stop();
    expect(text().split('\n').filter(Boolean)).toEqual([
      'study s1 started (parent run p1): 3 trials, maximize auc',
      'trial 0 complete auc 0.95 learningRate=0.1235 maxDepth=4 | best 0.95 (trial 0)',
      'trial 1 pruned at round 4 learningRate=0.1235 maxDepth=4 | best 0.95 (trial 0)',
    ]);
  });

  it('redraws a small table in place on a terminal', () => {
    const { io: fake, text } = io(true);
    const display = createTuneDisplay(fake, { silent: false });
    for (const e of EVENTS) display.onEvent(e);
    display.stop();
    const frames = text().split('\x1b[J');
    const last = frames.at(-1)!;
    expect(last).toContain('trials   2/3 done | 0 running | 1 complete | 1 pruned | 0 failed');
    expect(last).toContain('best     auc 0.95 (trial 0)  learningRate=0.1235 maxDepth=4');
    // Each redraw moves the cursor up over the previous frame's lines.
    expect(frames.slice(1, -1).every((f) => /\x1b\[\d+A$/.test(f))).toBe(true);
  });

  it('prints nothing with --json', () => {
    const { io: fake, text } = io(true);
    const display = createTuneDisplay(fake, { silent: true });
    for (const e of EVENTS) display.onEvent(e);
    display.stop();
    expect(text()).toBe('');
  });
});
