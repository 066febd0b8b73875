// Shared by test/data/validate.test.ts and test/e2e/data-cli.e2e.test.ts.

/** The failures planted in test/fixtures/data-validation/planted.csv, as [column, rule, failing, example rows]. */
export const PLANTED_FAILURES: [string | null, string, number, number[]][] = [
  [null, 'parse', 1, []],
  [null, 'rows', 11, []],
  ['id', 'unique', 1, [10]],
  ['amount', 'type', 1, [5]],
  ['amount', 'min', 1, [2]],
  ['amount', 'max', 1, [11]],
  ['country', 'allowed', 1, [3]],
  ['hour', 'nullable', 1, [4]],
  ['hour', 'maxMissingShare', 1, [4]],
  ['hour', 'max', 1, [9]],
  ['code', 'regex', 1, [6]],
  ['is_fraud', 'allowed', 1, [7]],
  ['ts', 'min', 1, [10]],
  ['channel', 'exists', 11, []],
];
