/**
 * Put (non-enumerable) on the prototype of many same-shaped objects by the code that makes them,
 * this says which own keys, in order, every such object has. Serialisers on hot paths (the
 * prediction log) read it instead of enumerating, because V8 enumerates index-like keys — class
 * labels such as '0' and '1' — through a slow runtime call (≈150 ns an object against ≈25).
 * JSON and every other reader of own keys see a plain object.
 */
export const OWN_KEYS: unique symbol = Symbol.for('keel.ownKeys');

/** A prototype whose objects declare `keys` as their own keys (see `OWN_KEYS`). */
export function ownKeysPrototype(keys: readonly string[]): object {
  return Object.create(Object.prototype, { [OWN_KEYS]: { value: keys } }) as object;
}

/** The keys an object's maker declared for it (see `OWN_KEYS`), if any. */
export function declaredKeys(o: object): readonly string[] | undefined {
  const keys = (o as { [OWN_KEYS]?: unknown })[OWN_KEYS];
  return Array.isArray(keys) ? (keys as readonly string[]) : undefined;
}
