export { type Clock, ManualClock, OffsetClock, systemClock } from './clock.js';
export {
  type CategoricalColumn,
  type Column,
  categoricalColumn,
  columnFromValues,
  columnLength,
  isMissingAt,
  missingCount,
  type NumberColumn,
  numberColumn,
  type Scalar,
  type TextColumn,
  textColumn,
  valueAt,
} from './column.js';
export {
  CONFIG_FILES,
  defaultConfig,
  defineConfig,
  ENV_OVERRIDES,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  resolveConfig,
} from './config.js';
export { configSchema, type KeelConfig, type KeelUserConfig } from './config-schema.js';
export type { KeelContext } from './context.js';
export { ERROR_CODES, type ErrorCode, type ErrorCodeSpec } from './error-codes.js';
export { errorHint, isKeelError, KeelError, type KeelErrorOptions, toKeelError } from './errors.js';
export { renderErrorsDoc } from './errors-doc.js';
export { Frame } from './frame.js';
export { isValidName, newId, randomHex } from './ids.js';
export { createLogger, type Logger, type LoggerOptions, type LogLevel, silentLogger } from './logger.js';
export { declaredKeys, OWN_KEYS, ownKeysPrototype } from './own-keys.js';
export { quickselect } from './quickselect.js';
export { DATA_TYPES, type DataType, type Field, findField, isNumberType, type Schema } from './schema.js';
export { workerEntry } from './worker-entry.js';
