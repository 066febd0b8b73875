import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, isKeelError, numberColumn } from '../../../src/core/index.js';
import { predictFrame, type RoundReport, readModelEnvelope, trainGbdt } from '../../../src/learn/index.js';
import { binaryFrame, regressionFrame, rng } from './synthetic.js';

describe('trainGbdt: per-round metrics, early stopping, stopping from onRound', () => {
  const train = binaryFrame(1500, 21);
  const validation = binaryFrame(600, 22);

  it('reports train and validation metrics every round', async () => {
    const reports: RoundReport[] = [];
    await trainGbdt(
      train,
      { numTrees: 5, threads: 1 },
      {
        target: 'y',
        validation,
        onRound: (r) => {
          reports.push(r);
          return undefined;
        },
      },
    );
    expect(reports.map((r) => r.round)).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(reports[0]!.metrics).sort()).toEqual([
      'train.logloss',
      'validation.auc',
      'validation.logloss',
    ]);
    const auc = reports[4]!.metrics['validation.auc']!;
    expect(auc).toBeGreaterThan(0.75);
    expect(reports[4]!.metrics['train.logloss']).toBeLessThan(reports[0]!.metrics['train.logloss']!);
  });

  it('stops when the validation loss has not improved for earlyStoppingRounds and keeps the best round', async () => {
    const losses: number[] = [];
    const model = await trainGbdt(
      train,
      {
        numTrees: 400,
        learningRate: 0.3,
        maxDepth: 8,
        minSamplesLeaf: 1,
        earlyStoppingRounds: 10,
        threads: 1,
      },
      {
        target: 'y',
        validation,
        onRound: (r) => {
          losses.push(r.metrics['validation.logloss']!);
          return undefined;
        },
      },
    );
    expect(losses.length).toBeLessThan(400);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(model.rounds).toBe(best);
    expect(losses.length).toBe(best + 10);
    expect(model.treeCount).toBe(best);
  });

  it('stops when onRound returns false (pruning)', async () => {
    const model = await trainGbdt(
      train,
      { numTrees: 50, threads: 1 },
      {
        target: 'y',
        onRound: (r) => r.round < 3,
      },
    );
    expect(model.rounds).toBe(3);
    expect(model.treeCount).toBe(3);
  });

  it('rejects with KEEL_CANCELLED when the signal aborts', async () => {
    const controller = new AbortController();
    const run = trainGbdt(
      train,
      { numTrees: 100, threads: 1 },
      {
        target: 'y',
        signal: controller.signal,
        onRound: (r) => {
          if (r.round === 2) controller.abort();
          return undefined;
        },
      },
    );
    await expect(run).rejects.toSatisfy((e: unknown) => isKeelError(e, 'KEEL_CANCELLED'));
  });
});

describe('trainGbdt: objectives and weights', () => {
  it('multiclass softmax: one tree per class and round, probabilities summing to 1', async () => {
    const r = rng(5);
    const x: number[] = [];
    const label: string[] = [];
    for (let i = 0; i < 900; i++) {
      const v = r() * 3;
      x.push(v);
      label.push(v < 1 ? 'low' : v < 2 ? 'mid' : 'high');
    }
    const frame = Frame.fromColumns([numberColumn('x', x), categoricalColumn('label', label)]);
    const reports: RoundReport[] = [];
    const model = await trainGbdt(
      frame,
      { numTrees: 10, threads: 1 },
      {
        target: 'label',
        validation: frame,
        onRound: (rep) => void reports.push(rep),
      },
    );
    expect(model.classes).toEqual(['high', 'low', 'mid']);
    expect(model.treeCount).toBe(30);
    expect(Object.keys(reports[0]!.metrics).sort()).toEqual([
      'train.accuracy',
      'train.logloss',
      'validation.accuracy',
      'validation.logloss',
    ]);
    const p = predictFrame(model, frame);
    for (let i = 0; i < 30; i++)
      expect(p.outputs[i * 3]! + p.outputs[i * 3 + 1]! + p.outputs[i * 3 + 2]!).toBeCloseTo(1, 12);
    expect(p.labels!.filter((l, i) => l === label[i]).length / 900).toBeGreaterThan(0.98);
  });

  it('huber is robust to gross outliers where l2 is pulled away', async () => {
    const train = regressionFrame(1200, 31, 0.1);
    const clean = regressionFrame(600, 32, 0);
    const rmse = async (objective: 'l2' | 'huber') => {
      const m = await trainGbdt(
        train,
        { numTrees: 60, learningRate: 0.2, objective, threads: 1 },
        { target: 'y' },
      );
      const out = predictFrame(m, clean).outputs;
      const y = clean.numberColumn('y').values;
      return Math.sqrt(out.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0) / y.length);
    };
    const [l2, huber] = [await rmse('l2'), await rmse('huber')];
    expect(huber, `huber ${huber} vs l2 ${l2}`).toBeLessThan(l2 * 0.6);
  });

  it('class weights move the decision threshold towards the rare class', async () => {
    const frame = binaryFrame(2000, 41);
    const positives = (m: Awaited<ReturnType<typeof trainGbdt>>) =>
      predictFrame(m, frame).labels!.filter((l) => l === '1').length;
    const plain = await trainGbdt(frame, { numTrees: 20, threads: 1 }, { target: 'y' });
    const heavy = await trainGbdt(
      frame,
      { numTrees: 20, threads: 1, classWeights: { '1': 5 } },
      { target: 'y' },
    );
    const balanced = await trainGbdt(
      frame,
      { numTrees: 20, threads: 1, classWeights: 'balanced' },
      { target: 'y' },
    );
    expect(positives(heavy)).toBeGreaterThan(positives(plain));
    expect(balanced.info.params.classWeights).toBe('balanced');
  });

  it('leaf-wise growth honours maxLeaves', async () => {
    const model = await trainGbdt(
      binaryFrame(3000, 51),
      { numTrees: 3, maxLeaves: 5, maxDepth: 0, threads: 1 },
      { target: 'y' },
    );
    const { header } = readModelEnvelope(model.serialize());
    // 5 leaves per tree = 9 nodes.
    expect(header.nodes).toBe(27);
  });
});
