import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** The text of docs/errors.md, generated from the closed code table (`npm run docs:errors`). */
export function renderErrorsDoc(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => {
    const s = ERROR_CODES[code];
    return `| \`${code}\` | ${s.status} | ${s.retryable ? 'yes' : 'no'} | ${s.hint.replace(/\|/g, '\\|')} |`;
  });
  return `# Error codes

Every error Keel reports for something a user can cause or fix is a \`KeelError\` with one of
these codes. On the wire it is \`{"error": message, "code": code, "details": {...}}\` with the HTTP
status below; on the command line it is the message and the fix, with exit code 2 for input and
usage errors and 1 for failed checks. Recognise errors by code, never by message text.

This page is generated from \`src/core/error-codes.ts\` by \`npm run docs:errors\`; a test keeps the two in sync.

| code | HTTP | retryable | how to solve |
|---|---|---|---|
${rows.join('\n')}
`;
}
