import { randomInt } from 'node:crypto';
import { KeelError } from '../core/index.js';

const KEY_RE = /^[A-Za-z0-9_\-. /:]+$/;

/** Longest param value, in characters (MLflow's limit). */
export const MAX_PARAM_VALUE = 6000;
/** Longest tag value, in characters (MLflow's limit). */
export const MAX_TAG_VALUE = 5000;

/**
 * Throws `KEEL_INVALID_ARGUMENT` unless `key` is a valid metric, param or tag key: 1–250
 * characters of letters, digits, `_ - . / :` and spaces, no leading `/`, no `..` segment (MLflow's rules).
 */
export function assertTrackingKey(kind: 'metric' | 'param' | 'tag', key: string): void {
  let problem: string | null = null;
  if (typeof key !== 'string' || key.length === 0) problem = 'it is empty';
  else if (key.length > 250) problem = 'it is longer than 250 characters';
  else if (!KEY_RE.test(key)) problem = 'use letters, digits, _ - . / : and spaces only';
  else if (key.startsWith('/') || key.split('/').includes('..'))
    problem = 'it may not start with / or contain ".."';
  if (problem) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Bad ${kind} key ${JSON.stringify(String(key).slice(0, 100))}: ${problem}.`,
      {
        details: { kind, key: String(key).slice(0, 100) },
      },
    );
  }
}

/** Throws `KEEL_INVALID_ARGUMENT` when a param or tag value is longer than its limit. */
export function assertTrackingValue(kind: 'param' | 'tag', key: string, value: string): void {
  const max = kind === 'param' ? MAX_PARAM_VALUE : MAX_TAG_VALUE;
  if (value.length > max) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `The value of ${kind} "${key}" is ${value.length} characters; at most ${max} are kept.`,
      {
        details: { kind, key, length: value.length, max },
      },
    );
  }
}

const ADJECTIVES = [
  'amber',
  'bold',
  'brisk',
  'calm',
  'clever',
  'crisp',
  'eager',
  'fair',
  'gentle',
  'keen',
  'lively',
  'merry',
  'quiet',
  'rapid',
  'sunny',
  'swift',
  'tidy',
  'vivid',
  'warm',
  'wise',
];
const NOUNS = [
  'badger',
  'cedar',
  'comet',
  'crane',
  'delta',
  'ember',
  'falcon',
  'fjord',
  'harbor',
  'heron',
  'lark',
  'maple',
  'otter',
  'pine',
  'quartz',
  'raven',
  'river',
  'sparrow',
  'tide',
  'willow',
];

/** A readable random run name such as `swift-otter-042`. */
export function randomRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${String(randomInt(1000)).padStart(3, '0')}`;
}
