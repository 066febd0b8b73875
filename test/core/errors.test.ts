import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, KeelError, renderErrorsDoc, toKeelError } from '../../src/core/index.js';

describe('error codes', () => {
  it('docs/errors.md matches the code table (run `npm run docs:errors` after adding a code)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorsDoc());
  });

  it('every code is KEEL_-prefixed upper snake case with a hint and a 4xx/5xx status', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^KEEL_[A-Z0-9_]+$/);
      expect(spec.hint.length).toBeGreaterThan(10);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
    }
  });

  it('carries status, retryable and details and serialises in the wire form', () => {
    const e = new KeelError('KEEL_SERVE_OVERLOADED', 'Model "fraud" queue is full.', {
      details: { model: 'fraud' },
    });
    expect(e.status).toBe(429);
    expect(e.retryable).toBe(true);
    expect(e.toJSON()).toEqual({
      error: 'Model "fraud" queue is full.',
      code: 'KEEL_SERVE_OVERLOADED',
      details: { model: 'fraud' },
    });
    expect(new KeelError('KEEL_SERVE_OVERLOADED', 'draining', { status: 503 }).status).toBe(503);
  });

  it('wraps foreign errors as KEEL_INTERNAL keeping the cause', () => {
    const cause = new TypeError('boom');
    const e = toKeelError(cause);
    expect(e.code).toBe('KEEL_INTERNAL');
    expect(e.cause).toBe(cause);
  });
});
