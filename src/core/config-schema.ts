import { z } from 'zod';

/** The stores a Keel project uses, each chosen by URL scheme. */
const storesSchema = z
  .object({
    /** Runs, models, deployments, feature definitions, pipeline runs. `sqlite:` or `postgres://`. */
    metadata: z.string().min(1),
    /** Model files and datasets, content-addressed. `file:`. */
    artifacts: z.string().min(1),
    /** Historical features and logs. `duckdb:`. */
    offline: z.string().min(1),
    /** Latest feature values. `sqlite:` or `redis://`. */
    online: z.string().min(1),
    /** Prediction cache. `memory:` or `redis://`. */
    cache: z.string().min(1),
    /** Job queue. `memory:` or `bullmq+redis://` (`bullmq://`). */
    queue: z.string().min(1),
    /** Event streams. `memory:` or `nats://`. */
    stream: z.string().min(1),
  })
  .strict();

const serverSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    /** Bearer token required on management routes when set. */
    token: z.string().min(8).optional(),
    /** Worker processes for `keel serve` (node:cluster). 1 = no cluster. */
    workers: z.number().int().min(1).max(64),
    /** Largest request body accepted, in bytes. */
    bodyLimitBytes: z.number().int().min(1024),
    /** Per-request timeout for inference, in ms. */
    requestTimeoutMs: z.number().int().min(1),
    /** How often inference servers poll the registry for alias moves, in ms. */
    pollIntervalMs: z.number().int().min(100),
  })
  .strict();

const monitoringSchema = z
  .object({
    /** Share of predictions written to the prediction log, 0..1. */
    logSampleRate: z.number().min(0).max(1),
    /** Longest time a logged prediction waits in memory before it is flushed, in ms. */
    logFlushIntervalMs: z.number().int().min(10),
    /** Hosts webhooks may be sent to (`hooks.example.com`, `*.example.com`, `host:port`). */
    webhookAllowList: z.array(z.string()),
    /** Webhook URLs notified of every alert (each host must be on the allow-list). */
    webhooks: z.array(z.string().url()),
    /** Secret for the `x-keel-signature` HMAC-SHA256 header of webhook bodies (at least 16 characters). */
    webhookSecret: z.string().min(16).optional(),
    /** How often alert rules are evaluated, in ms. */
    alertIntervalMs: z.number().int().min(1000),
    /** Window of live quality and drift checks run by the server, in ms (prediction time). */
    qualityWindowMs: z.number().int().min(60_000),
    /** How often the server recomputes live quality (and drift for models with a reference), in ms. */
    qualityIntervalMs: z.number().int().min(10_000),
  })
  .strict();

/** The full, resolved configuration of a Keel project. */
export const configSchema = z
  .object({
    /** Project name, used in metrics and the UI. */
    project: z.string().min(1),
    /** Folder for embedded stores and reports, relative to the project root. */
    home: z.string().min(1),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    stores: storesSchema,
    server: serverSchema,
    monitoring: monitoringSchema,
  })
  .strict();

/** A resolved configuration: every key present. */
export type KeelConfig = z.infer<typeof configSchema>;

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

/** What a user writes in keel.config.ts or keel.yaml: any subset of `KeelConfig`. */
export type KeelUserConfig = DeepPartial<KeelConfig>;

/** Validation schema for user input: every key optional, unknown keys rejected. */
export const userConfigSchema = configSchema.deepPartial().strict();
