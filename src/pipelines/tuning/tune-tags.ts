/**
 * Tags on tuning runs (docs/tuning.md, "What is tracked"): every run of a study carries `study`
 * and `role` (`study`, `trial`, `final`); trials carry their number and end state (`COMPLETE`,
 * `PRUNED`, `FAILED`, `INTERRUPTED`); pruned trials also `keel.pruned=true` and the round they stopped at.
 */
export const TUNE_TAGS = {
  study: 'keel.tune.study',
  role: 'keel.tune.role',
  trial: 'keel.tune.trial',
  state: 'keel.tune.state',
  pruned: 'keel.pruned',
  prunedAt: 'keel.tune.pruned_at_round',
  error: 'keel.tune.error',
  bestTrial: 'keel.tune.best_trial',
  bestRun: 'keel.tune.best_run',
  resumed: 'keel.tune.resumed',
} as const;
