/**
 * The closed table of Keel error codes.
 *
 * Every `KeelError` carries one of these codes. Each entry gives the HTTP status the
 * error maps to on the wire, whether retrying the same call can succeed, and a short
 * "how to solve" line that `docs/errors.md` repeats (a test keeps the two in sync).
 * Add a code here, in its module's section, before throwing it anywhere.
 */
export interface ErrorCodeSpec {
  /** HTTP status used when the error crosses the wire. */
  readonly status: number;
  /** True when the same call may succeed later without any change by the caller. */
  readonly retryable: boolean;
  /** One sentence on how a user resolves it. */
  readonly hint: string;
}

const spec = (status: number, hint: string, retryable = false): ErrorCodeSpec => ({
  status,
  retryable,
  hint,
});

export const ERROR_CODES = {
  // core
  KEEL_INTERNAL: spec(500, 'A bug in Keel: please report it with the log lines around it.'),
  KEEL_CONFIG_INVALID: spec(
    400,
    'Fix the named key in keel.config.ts / keel.yaml or the named environment variable.',
  ),
  KEEL_CONFIG_NOT_FOUND: spec(400, 'Run `keel init` in the project folder, or pass --config <file>.'),
  KEEL_USAGE: spec(400, 'Check the command with `keel <command> --help`.'),
  KEEL_INVALID_ARGUMENT: spec(
    400,
    'Correct the named argument; the message says which value was rejected and why.',
  ),
  KEEL_NOT_FOUND: spec(
    404,
    'Check the id or name; list what exists with the matching `keel ... list` command.',
  ),
  KEEL_UNAUTHORIZED: spec(
    401,
    'Send `Authorization: Bearer <token>` with the token configured in server.token.',
  ),
  KEEL_TIMEOUT: spec(
    504,
    'The operation took longer than its timeout; raise the timeout or reduce the work.',
    true,
  ),
  KEEL_CANCELLED: spec(499, 'The operation was cancelled by its caller.'),
  KEEL_FRAME_COLUMN_NOT_FOUND: spec(
    400,
    'Use one of the columns the message lists, or add the column to the data.',
  ),
  KEEL_FRAME_SHAPE_MISMATCH: spec(400, 'All columns of a frame must have the same number of rows.'),
  KEEL_FRAME_TYPE_MISMATCH: spec(
    400,
    'The column holds another type than the operation needs; convert it or pick another column.',
  ),

  // storage
  KEEL_STORE_UNKNOWN_SCHEME: spec(400, 'Use one of the URL schemes the message lists for this store.'),
  KEEL_STORE_BAD_URL: spec(400, 'Fix the store URL; the message names the part that could not be used.'),
  KEEL_STORE_UNAVAILABLE: spec(
    503,
    'Start the named server or fix its URL; Keel retries transient failures.',
    true,
  ),
  KEEL_STORE_CONFLICT: spec(409, 'Another writer changed the same record; retry the operation.', true),
  KEEL_STORE_MIGRATION_FAILED: spec(
    500,
    'A schema migration failed; the message names it. Restore a backup or fix the database by hand.',
  ),
  KEEL_STORE_SCHEMA_TOO_NEW: spec(400, 'The database was migrated by a newer Keel; upgrade Keel.'),
  KEEL_ARTIFACT_NOT_FOUND: spec(
    404,
    'The artifact digest is unknown to this artifact store; check the store URL.',
  ),
  KEEL_ARTIFACT_CORRUPT: spec(
    500,
    'The stored artifact no longer matches its sha256; restore it from a backup.',
  ),
  KEEL_ARTIFACT_BAD_PATH: spec(
    400,
    'Artifact paths are relative, use / separators and may not contain "..", NUL or a drive.',
  ),

  // data
  KEEL_DATA_FILE_NOT_FOUND: spec(400, 'Check the file path; it is resolved from the current directory.'),
  KEEL_DATA_UNSUPPORTED_FORMAT: spec(
    400,
    'Use a .csv, .parquet, .jsonl/.ndjson file or a postgres:// table URL.',
  ),
  KEEL_DATA_PARSE_ERROR: spec(
    400,
    'Fix the file at the named line and column, or pass the right format options.',
  ),
  KEEL_DATA_TYPE_ERROR: spec(
    400,
    'A value does not match the column type; fix the value or the declared type.',
  ),
  KEEL_DATA_EMPTY: spec(400, 'The data has no rows; check the file or the filter.'),
  KEEL_DATA_EXPECTATIONS_INVALID: spec(400, 'Fix the expectations file at the named key.'),
  KEEL_DATA_VALIDATION_FAILED: spec(
    422,
    'The data breaks the declared expectations; the report names each column and rule.',
  ),
  KEEL_DATA_WRITE_FAILED: spec(
    500,
    'The file could not be written (the message says why: a folder in the way, no space, a bad option); any previous file is unchanged.',
  ),

  // learn
  KEEL_LEARN_INVALID_PARAM: spec(400, 'Use a known parameter with a value in its documented range.'),
  KEEL_LEARN_BAD_LABELS: spec(
    400,
    'The target column must have no missing values and at least two classes for classification.',
  ),
  KEEL_LEARN_BAD_FEATURES: spec(
    400,
    'Check the feature columns: they must exist and not all be constant or missing.',
  ),
  KEEL_LEARN_MODEL_FORMAT: spec(400, 'The model file is not a Keel model of a supported format version.'),
  KEEL_LEARN_METRIC_UNDEFINED: spec(
    400,
    'The metric is undefined for this input (for example AUC with one class in y_true).',
  ),
  KEEL_TUNE_BAD_SPACE: spec(
    400,
    'Fix the search space: ranges need low < high, log ranges low > 0, choices at least one value.',
  ),
  KEEL_TUNE_STUDY_NOT_FOUND: spec(404, 'List studies with `keel runs list`; resume needs the study id.'),
  KEEL_TUNE_STUDY_CONFLICT: spec(
    409,
    'Another process saved the study since this one loaded it (it was resumed elsewhere); let that process finish, or resume again.',
  ),
  KEEL_TUNE_NO_COMPLETE_TRIAL: spec(
    422,
    'Every trial failed or was pruned; read the keel.tune.error tags of the trial runs, fix the space or the data, and start again.',
  ),
  KEEL_TUNE_STUDY_FINISHED: spec(
    409,
    'The study already finished; read its results with `keel runs show <parent run>`, or start a new study.',
  ),
  KEEL_TUNE_BAD_STUDY: spec(
    400,
    'The saved study was not written by `Study.toJSON()` (or is newer); the message names the field.',
  ),
  KEEL_TUNE_TRIAL_NOT_FOUND: spec(
    404,
    'Use a trial number `study.ask()` returned; list them with `study.trials`.',
  ),
  KEEL_TUNE_TRIAL_FINISHED: spec(
    409,
    'The trial is already complete, pruned or failed; report and tell only running trials, or ask() a new one.',
  ),
  KEEL_TUNE_GRID_EXHAUSTED: spec(
    409,
    'Every grid point has been evaluated; read the results from the study, or widen the grid.',
  ),

  // tracking
  KEEL_TRACK_EXPERIMENT_NOT_FOUND: spec(404, 'List experiments with `keel experiments list`.'),
  KEEL_TRACK_EXPERIMENT_EXISTS: spec(409, 'Pick another experiment name or use the existing one.'),
  KEEL_TRACK_RUN_NOT_FOUND: spec(404, 'List runs with `keel runs list`.'),
  KEEL_TRACK_RUN_NOT_ACTIVE: spec(409, 'The run has ended; start a new run to log more.'),
  KEEL_TRACK_PARAM_CONFLICT: spec(409, 'Params are immutable once logged; start a new run to change one.'),
  KEEL_TRACK_BAD_FILTER: spec(
    400,
    "Fix the filter expression, e.g. metrics.auc > 0.9 and params.learner = 'gbdt'.",
  ),

  // registry
  KEEL_REGISTRY_MODEL_NOT_FOUND: spec(404, 'List models with `keel models list`.'),
  KEEL_REGISTRY_MODEL_EXISTS: spec(409, 'Pick another model name, or add a version to the existing model.'),
  KEEL_REGISTRY_VERSION_NOT_FOUND: spec(404, 'List versions with `keel models show <model>`.'),
  KEEL_REGISTRY_ALIAS_NOT_FOUND: spec(
    404,
    'Set the alias with `keel models alias <model> <alias> <version>`.',
  ),
  KEEL_REGISTRY_ALIAS_INVALID: spec(
    400,
    'Aliases are 1-64 characters of a-z, 0-9, _ and -, start with a letter, and are not "latest".',
  ),
  KEEL_REGISTRY_BAD_REFERENCE: spec(400, 'Refer to a model as name@alias, name/version or name (latest).'),
  KEEL_REGISTRY_VERSION_IN_USE: spec(
    409,
    'Remove the version from the deployments that use it before deleting it.',
  ),
  KEEL_REGISTRY_SIGNATURE_MISMATCH: spec(
    400,
    'The input does not match the model signature; the message names the column.',
  ),

  // serving
  KEEL_SERVE_MODEL_NOT_LOADED: spec(
    404,
    'Load the model first (POST /v2/repository/models/<m>/load) or deploy it.',
  ),
  KEEL_SERVE_MODEL_NOT_READY: spec(503, 'The model is still loading or warming up; retry shortly.', true),
  KEEL_SERVE_LOAD_FAILED: spec(
    500,
    'The model could not be loaded; the previous version keeps serving. See the cause.',
  ),
  KEEL_SERVE_BAD_INPUT: spec(
    400,
    'Fix the request body; the message names the input, row or column at fault.',
  ),
  KEEL_SERVE_OVERLOADED: spec(429, 'The server is at capacity; retry after the Retry-After delay.', true),
  KEEL_SERVE_UNAVAILABLE: spec(
    503,
    'The server is starting or shutting down; retry after the Retry-After delay.',
    true,
  ),
  KEEL_SERVE_PAYLOAD_TOO_LARGE: spec(413, 'Send smaller requests or raise server.bodyLimitBytes.'),
  KEEL_SERVE_RUNTIME_ERROR: spec(500, 'The model runtime failed on this input; see the cause.'),
  KEEL_SERVE_BAD_MODEL: spec(
    400,
    'The model file is not a valid ONNX or Keel model, or uses an unsupported feature; the message names it.',
  ),
  KEEL_DEPLOY_NOT_FOUND: spec(404, 'List deployments with `keel deployments list`.'),
  KEEL_DEPLOY_INVALID: spec(400, 'Fix the deployment policy; the message names the invalid part.'),
  KEEL_DEPLOY_FEATURE_MISMATCH: spec(
    400,
    "The feature service does not match the model's signature; the message names the feature.",
  ),

  // server (HTTP and gRPC)
  KEEL_SERVER_BAD_REQUEST: spec(
    400,
    'Send a JSON body of the shape the route expects; the message names what is wrong and where.',
  ),
  KEEL_SERVER_ROUTE_NOT_FOUND: spec(404, 'Check the method and path against the routes in docs/serving.md.'),
  KEEL_SERVER_UNSUPPORTED_MEDIA_TYPE: spec(
    415,
    'Send the body as JSON with `Content-Type: application/json`.',
  ),
  KEEL_SERVER_LISTEN_FAILED: spec(
    409,
    'The message says why; free the port, or pick another host or port with --host / --port / --grpc-port (port 0 picks a free one).',
  ),

  // features
  KEEL_FEATURE_VIEW_NOT_FOUND: spec(404, 'List feature views with `keel features list`.'),
  KEEL_FEATURE_NOT_FOUND: spec(
    404,
    'Refer to features as <view>:<feature>; list them with `keel features describe <view>`.',
  ),
  KEEL_FEATURE_SERVICE_NOT_FOUND: spec(404, 'List feature services with `keel features list`.'),
  KEEL_FEATURE_DEFINITION_INVALID: spec(
    400,
    'Fix the named definition; the message says which field is wrong.',
  ),
  KEEL_FEATURE_DESTRUCTIVE_CHANGE: spec(
    409,
    'The change would drop data; review `keel features plan` and re-run apply with --force.',
  ),
  KEEL_FEATURE_MISSING_JOIN_KEY: spec(400, 'Every entity row must carry the join keys the message lists.'),
  KEEL_FEATURE_BAD_VALUE: spec(400, "The value does not match the feature's declared type."),
  KEEL_FEATURE_NO_TIMEZONE: spec(
    400,
    'Timestamps must carry a time zone (Z or +hh:mm) or be epoch milliseconds.',
  ),
  KEEL_FEATURE_VIEW_NOT_ONLINE: spec(
    400,
    'Set online: true on the feature view to push or read online values.',
  ),
  KEEL_FEATURE_NAME_COLLISION: spec(
    400,
    'Two features would get the same output name; ask for full feature names (view__feature) or give a view an alias.',
  ),
  KEEL_FEATURE_TRANSFORM_FAILED: spec(
    500,
    'An on-demand transform threw or returned a value that does not fit its schema; the message names the view, row and feature.',
  ),
  KEEL_FEATURE_TRANSFORM_CHANGED: spec(
    409,
    'The on-demand transform in the loaded code differs from the applied one; run `keel features apply`.',
  ),
  KEEL_FEATURE_PUSH_REJECTED: spec(
    422,
    "Some pushed events do not fit the views' schemas; details list each with its reason. Nothing of the request was written.",
  ),

  // monitoring
  KEEL_MONITOR_NOT_ENOUGH_DATA: spec(422, 'The window has too few rows for the test; widen the window.'),
  KEEL_MONITOR_NO_REFERENCE: spec(
    404,
    'The model version has no reference snapshot; pass --reference <file>.',
  ),
  KEEL_MONITOR_UNKNOWN_METRIC: spec(400, 'Use one of the metric names the message lists in the alert rule.'),
  KEEL_MONITOR_BAD_RULE: spec(400, "Fix the alert rule expression, e.g. 'auc < 0.85 for 1h'."),
  KEEL_MONITOR_WEBHOOK_NOT_ALLOWED: spec(400, 'Add the webhook host to monitoring.webhookAllowList.'),
  KEEL_MONITOR_BAD_FEEDBACK: spec(400, 'Feedback needs a request id and a label of the model output type.'),
  KEEL_MONITOR_STAT_UNDEFINED: spec(
    400,
    'The statistic is undefined for this input (e.g. an all-zero row or column in a contingency table).',
  ),
  KEEL_MONITOR_BAD_SNAPSHOT: spec(
    400,
    'The reference snapshot is not a valid Keel drift reference; rebuild it from the training data.',
  ),

  // pipelines and continuous learning
  KEEL_PIPELINE_INVALID: spec(
    400,
    'Fix the pipeline definition; the message names the step or edge at fault.',
  ),
  KEEL_PIPELINE_CYCLE: spec(400, 'Steps form a cycle; the message lists it. Remove one of its edges.'),
  KEEL_PIPELINE_NOT_FOUND: spec(404, 'List pipeline runs with `keel pipeline runs`.'),
  KEEL_PIPELINE_STEP_FAILED: spec(
    500,
    'A step failed after its retries; fix the cause and resume with `keel pipeline run --resume`.',
  ),
  KEEL_PIPELINE_BAD_SCHEDULE: spec(400, "Use a 5-field cron expression, e.g. '0 3 * * *'."),
  KEEL_PIPELINE_GATE_FAILED: spec(
    422,
    'The model missed an evaluation threshold; the message names the metric, its value and the bound.',
  ),
  KEEL_POLICY_INVALID: spec(
    400,
    'Fix the continuous-learning policy; the message names the bound that cannot be met.',
  ),
  KEEL_POLICY_NOT_FOUND: spec(
    404,
    'The deployment has no continuous-learning policy; apply one with `keel policy apply <file>`.',
  ),
  KEEL_POLICY_CONFLICT: spec(
    409,
    "Another controller advanced this deployment's loop at the same time; run one controller per deployment and retry.",
    true,
  ),
} as const satisfies Record<string, ErrorCodeSpec>;

/** A code from the closed table. */
export type ErrorCode = keyof typeof ERROR_CODES;
