import { isAbsolute, resolve } from 'node:path';
import { KeelError } from '../../core/index.js';
import { type Expectations, loadExpectations, parseExpectations, validateFrame } from '../../data/index.js';
import { asDataset, loadDataset } from './datasets.js';
import type { BuiltinDefinition } from './definition.js';

/**
 * `validate`: checks a dataset against expectations (a YAML/JSON file relative to the project root,
 * or the expectations inline) with the data module. Failing rules fail the step with
 * `KEEL_DATA_VALIDATION_FAILED` (not retried) and the report; passing data flows on unchanged.
 */
export const validateStep: BuiltinDefinition = {
  kind: 'validate',
  description: 'Check a dataset against expectations',
  inputs: ['data'],
  optionalInputs: [],
  params: { expectations: null },
  required: ['expectations'],
  cache: true,
  version: '1',
  check: (p) =>
    typeof p.expectations === 'string' ||
    (typeof p.expectations === 'object' && p.expectations !== null && !Array.isArray(p.expectations))
      ? null
      : 'expectations must be a file path or an object of rules',
  async run(inputs, params, ctx) {
    const ref = asDataset(inputs.data, ctx.step, 'data');
    const expectations: Expectations =
      typeof params.expectations === 'string'
        ? await loadExpectations(
            isAbsolute(params.expectations) ? params.expectations : resolve(ctx.root, params.expectations),
          )
        : parseExpectations(params.expectations, `step "${ctx.step}" params.expectations`);
    const frame = await loadDataset(ctx, ref, 'data');
    const report = validateFrame(frame, expectations);
    await ctx.artifacts.save('validation.json', Buffer.from(JSON.stringify(report, null, 2)));
    await ctx.run.logMetrics({
      rows: report.rows,
      rules_checked: report.checked,
      rules_failed: report.failures.length,
    });
    if (!report.passed) {
      const lines = report.failures
        .slice(0, 5)
        .map((f) => `${f.column ?? 'table'} ${f.rule} (expected ${f.expected}): ${f.failing} failing`);
      throw new KeelError(
        'KEEL_DATA_VALIDATION_FAILED',
        `Dataset ${ref.source} breaks ${report.failures.length} rule(s): ${lines.join('; ')}.`,
        { details: { step: ctx.step, failures: report.failures.slice(0, 20) } },
      );
    }
    return { ...ref, validation: { rows: report.rows, checked: report.checked, passed: true } };
  },
};
