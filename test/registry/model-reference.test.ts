import { describe, expect, it } from 'vitest';
import { assertAliasName, formatModelReference, parseModelReference } from '../../src/registry/index.js';

describe('parseModelReference', () => {
  it.each([
    ['fraud@champion', { kind: 'alias', model: 'fraud', alias: 'champion' }],
    ['fraud/3', { kind: 'version', model: 'fraud', version: 3 }],
    ['fraud', { kind: 'latest', model: 'fraud' }],
    ['fraud/latest', { kind: 'latest', model: 'fraud' }],
    ['fraud@latest', { kind: 'latest', model: 'fraud' }],
    ['models:/fraud.v2@canary', { kind: 'alias', model: 'fraud.v2', alias: 'canary' }],
    ['  fraud/12  ', { kind: 'version', model: 'fraud', version: 12 }],
  ])('parses %j', (ref, expected) => {
    const parsed = parseModelReference(ref);
    expect(parsed).toEqual(expected);
    expect(parseModelReference(formatModelReference(parsed))).toEqual(parsed);
  });

  it.each([
    ['', 'model name is missing'],
    ['@champion', 'model name is missing'],
    ['fraud@', 'alias after "@" is empty'],
    ['fraud/0', 'not a version number'],
    ['fraud/03', 'not a version number'],
    ['fraud/x', 'not a version number'],
    ['fraud/3@champion', 'either @alias or /version'],
    ['9lives', 'not a model name'],
    ['fr aud', 'not a model name'],
  ])('rejects %j', (ref, reason) => {
    expect(() => parseModelReference(ref)).toThrow(
      expect.objectContaining({ code: 'KEEL_REGISTRY_BAD_REFERENCE' }),
    );
    expect(() => parseModelReference(ref)).toThrow(reason);
    expect(() => parseModelReference(ref)).toThrow('name@alias, name/version or name (latest)');
  });
});

describe('assertAliasName', () => {
  it.each(['champion', 'challenger', 'a', 'blue-green_2', `a${'b'.repeat(63)}`])('accepts %j', (alias) => {
    expect(() => assertAliasName(alias)).not.toThrow();
  });

  it.each([
    ['latest', 'reserved'],
    ['LATEST', 'reserved'],
    ['', 'empty'],
    ['2nd', 'start with a lower-case letter'],
    ['Champion', 'start with a lower-case letter'],
    ['cham pion', 'only lower-case letters'],
    ['v1.0', 'only lower-case letters'],
    [`a${'b'.repeat(64)}`, 'longer than 64'],
  ])('rejects %j (%s)', (alias, reason) => {
    expect(() => assertAliasName(alias)).toThrow(
      expect.objectContaining({ code: 'KEEL_REGISTRY_ALIAS_INVALID' }),
    );
    expect(() => assertAliasName(alias)).toThrow(reason);
  });
});
