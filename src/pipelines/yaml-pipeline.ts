import { parseDocument } from 'yaml';
import { z } from 'zod';
import { KeelError } from '../core/index.js';
import type { JsonValue } from '../storage/index.js';
import { BUILTIN_STEPS, builtin } from './builtin/catalog.js';
import { definePipeline, type Pipeline } from './pipeline.js';
import type { RetryOptions } from './retry.js';
import type { ScheduleSpec } from './schedule.js';
import type { TriggerSpec } from './triggers.js';

const json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(json)]),
);

const stepSchema = z
  .object({
    name: z.string(),
    uses: z.string(),
    description: z.string().optional(),
    inputs: z.record(z.string()).optional(),
    params: z.record(json).optional(),
    retry: z
      .object({
        retries: z.number().optional(),
        initialDelayMs: z.number().optional(),
        factor: z.number().optional(),
        maxDelayMs: z.number().optional(),
        jitter: z.enum(['full', 'equal', 'none']).optional(),
      })
      .strict()
      .optional(),
    timeoutMs: z.number().optional(),
    cache: z.boolean().optional(),
  })
  .strict();

const documentSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    experiment: z.string().optional(),
    concurrency: z.number().optional(),
    maxActiveRuns: z.number().optional(),
    schedules: z.array(z.record(json)).optional(),
    triggers: z.array(z.record(json)).optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

/**
 * A pipeline from a YAML document: built-in steps only (`uses: <kind>`), inputs by step name,
 * schedules and triggers as in TypeScript. Structure errors fail with `KEEL_PIPELINE_INVALID`
 * naming the key path and the line; step errors name the step.
 */
export function pipelineFromYaml(text: string, source: string | null = null): Pipeline {
  const origin = source ?? 'pipeline YAML';
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new KeelError('KEEL_PIPELINE_INVALID', `${origin}: ${e.message.split('\n')[0]}`, {
      details: { file: source, line: e.linePos?.[0]?.line ?? null },
    });
  }
  const parsed = documentSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const keys = issue.code === 'unrecognized_keys' ? ` (unknown key "${issue.keys[0]}")` : '';
    const stepIndex = typeof issue.path[1] === 'number' && issue.path[0] === 'steps' ? issue.path[1] : null;
    const stepHint =
      stepIndex !== null
        ? ' Steps need name and uses (a built-in step), and may have inputs, params, retry, timeoutMs, cache.'
        : '';
    throw new KeelError(
      'KEEL_PIPELINE_INVALID',
      `${origin}: at "${path || '(root)'}"${keys}: ${issue.message}.${stepHint}`,
      {
        details: { file: source, path, builtins: [...BUILTIN_STEPS.keys()] },
      },
    );
  }
  const d = parsed.data;
  const steps = d.steps.map((s) =>
    builtin(s.uses, {
      name: s.name,
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.inputs ? { inputs: s.inputs } : {}),
      ...(s.params ? { params: s.params } : {}),
      ...(s.retry ? { retry: s.retry as RetryOptions } : {}),
      ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
      ...(s.cache !== undefined ? { cache: s.cache } : {}),
    }),
  );
  return definePipeline(
    {
      name: d.name,
      steps,
      ...(d.description !== undefined ? { description: d.description } : {}),
      ...(d.experiment !== undefined ? { experiment: d.experiment } : {}),
      ...(d.concurrency !== undefined ? { concurrency: d.concurrency } : {}),
      ...(d.maxActiveRuns !== undefined ? { maxActiveRuns: d.maxActiveRuns } : {}),
      ...(d.schedules ? { schedules: d.schedules as unknown as ScheduleSpec[] } : {}),
      ...(d.triggers ? { triggers: d.triggers as unknown as TriggerSpec[] } : {}),
    },
    source,
  );
}
