import { KeelError } from '../core/index.js';

const ALIAS_RE = /^[a-z][a-z0-9_-]{0,63}$/;

/** Aliases Keel reserves: `latest` always means the highest version. */
export const RESERVED_ALIASES: readonly string[] = ['latest'];

/**
 * Throws `KEEL_REGISTRY_ALIAS_INVALID` unless `alias` is 1–64 characters of `a-z 0-9 _ -`,
 * starts with a letter, and is not reserved (`latest`).
 */
export function assertAliasName(alias: string): void {
  const text = typeof alias === 'string' ? alias : String(alias);
  let reason: string | null = null;
  if (RESERVED_ALIASES.includes(text.toLowerCase()))
    reason = `"${text}" is reserved: it always means the highest version`;
  else if (text.length === 0) reason = 'it is empty';
  else if (text.length > 64) reason = 'it is longer than 64 characters';
  else if (!/^[a-z]/.test(text)) reason = 'it must start with a lower-case letter';
  else if (!ALIAS_RE.test(text)) reason = 'use only lower-case letters, digits, _ and -';
  if (reason) {
    throw new KeelError(
      'KEEL_REGISTRY_ALIAS_INVALID',
      `Alias ${JSON.stringify(text.slice(0, 80))} is not valid: ${reason}. Examples: champion, challenger, staging.`,
      { details: { alias: text.slice(0, 80), reason } },
    );
  }
}
