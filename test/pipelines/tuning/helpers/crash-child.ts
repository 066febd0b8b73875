// Runs CRASH_STUDY on file-backed stores in argv[2] and hangs (no shutdown, no more writes) when
// trial argv[3] reaches round argv[4], after printing `BLOCKED <study id>`, so the test can SIGKILL
// it mid-trial. Started as: node --import tsx crash-child.ts <root> <trial> <round>
import { runTuneJob } from '../../../../src/pipelines/index.js';
import { CRASH_STUDY, fileTuneServices } from './file-services.js';

const [root, trial, round] = process.argv.slice(2);
const s = await fileTuneServices(root!);
let studyId = '';
await runTuneJob(s.deps, {
  ...CRASH_STUDY,
  onEvent: (e) => {
    if (e.kind === 'study-started') studyId = e.studyId;
    if (e.kind === 'trial-round' && e.number === Number(trial) && e.round === Number(round)) {
      process.stdout.write(`BLOCKED ${studyId}\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
  },
});
process.stdout.write('FINISHED\n');
