// A study survives its process being killed mid-trial (SIGKILL: no shutdown hook runs):
// `runTuneJob({ resume })` keeps the finished trials, fails and re-asks the one that was running,
// and then continues exactly as an uninterrupted study would have.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { StudyData } from '../../../src/learn/index.js';
import { runTuneJob, TUNE_TAGS } from '../../../src/pipelines/index.js';
import { waitFor } from '../../helpers/poll.js';
import { tempDir } from '../../helpers/tmp.js';
import { CRASH_STUDY, fileTuneServices } from './helpers/file-services.js';

const CHILD = new URL('./helpers/crash-child.ts', import.meta.url).pathname;

/** Starts the child study and resolves with the study id once trial `trial` hangs at round `round`. */
async function crashAt(root: string, trial: number, round: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root, String(trial), String(round)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const line = await waitFor(() => /BLOCKED (\S+)/.exec(out), 45_000);
    return line[1]!;
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

describe('resuming a study after its process was killed', () => {
  const root = tempDir('keel-tune-crash-');

  it('keeps finished trials, re-asks the running one and continues exactly', {
    timeout: 90_000,
  }, async () => {
    const studyId = await crashAt(root, 3, 5);
    const s = await fileTuneServices(root);
    try {
      const crashed = await s.metadata.studies.getStudy(studyId);
      expect(crashed.status).toBe('RUNNING');
      const before = (crashed.state as unknown as { study: StudyData }).study.trials;
      expect(before.map((t) => t.state)).toEqual(['complete', 'complete', 'complete', 'running']);
      const parentRunId = crashed.parentRunId!;
      expect((await s.tracking.getRun(parentRunId)).status).toBe('RUNNING');

      // Resume by the parent run id (the study id works too).
      const resumed = await runTuneJob(s.deps, { resume: parentRunId });
      expect(resumed.studyId).toBe(studyId);
      expect(resumed.resumed).toBe(true);
      expect(resumed.interrupted).toEqual([3]);
      // 12 trials counted, plus the interrupted one.
      expect(resumed.trials).toHaveLength(13);
      expect(resumed.trials[3]).toMatchObject({ state: 'failed' });
      expect(resumed.trials[4]!.params).toEqual(resumed.trials[3]!.params);
      for (let i = 0; i < 3; i++) {
        expect(resumed.trials[i]!.params).toEqual(before[i]!.params);
        expect(resumed.trials[i]!.value).toBe(before[i]!.value);
      }
      const trial3 = await s.tracking.getRun(resumed.trials[3]!.runId!);
      expect(trial3.status).toBe('FAILED');
      expect(trial3.tags[TUNE_TAGS.state]).toBe('FAILED');
      const parent = await s.tracking.getRun(parentRunId);
      expect(parent.status).toBe('FINISHED');
      expect(parent.tags[TUNE_TAGS.resumed]).toBe('1');
      expect((await s.metadata.studies.getStudy(studyId)).status).toBe('FINISHED');
      const { runs } = await s.tracking.searchRuns({
        filter: `tags.keel.tune.study = '${studyId}' and attributes.status = 'RUNNING'`,
      });
      expect(runs).toHaveLength(0);

      // The same study without the crash: every trial after the re-asked one is identical.
      const clean = await runTuneJob(s.deps, { ...CRASH_STUDY, experiment: 'clean' });
      const strip = (t: { state: string; params: object; value: number | null }) => ({
        state: t.state,
        params: t.params,
        value: t.value,
      });
      expect(resumed.trials.slice(4).map(strip)).toEqual(clean.trials.slice(3).map(strip));

      await expect(runTuneJob(s.deps, { resume: studyId })).rejects.toMatchObject({
        code: 'KEEL_TUNE_STUDY_FINISHED',
      });
      await expect(runTuneJob(s.deps, { resume: 'nope' })).rejects.toMatchObject({
        code: 'KEEL_TUNE_STUDY_NOT_FOUND',
      });
    } finally {
      await s.close();
    }
  });
});
