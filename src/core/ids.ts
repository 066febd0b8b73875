import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * A new sortable id: 10 characters of millisecond time then 16 of randomness
 * (the ULID layout, lower case). Ids made later sort after ids made earlier.
 */
export function newId(nowMs: number = Date.now()): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return time + rand;
}

/** A short random hex id for request ids and namespaces (`bytes` * 2 characters). */
export function randomHex(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** True for names Keel accepts for experiments, models, deployments, views: a letter then [A-Za-z0-9_.-], at most 128. */
export function isValidName(name: string): boolean {
  return NAME_RE.test(name);
}
