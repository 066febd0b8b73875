const encoder = new TextEncoder();
const scratch = new Uint8Array(1024);

/** MurmurHash3 x86 32-bit of `bytes[0..length)` with `seed`, as an unsigned 32-bit integer. */
export function murmur3Bytes(bytes: Uint8Array, length: number, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MurmurHash3 x86 32-bit of the UTF-8 bytes of `text` with `seed` (unsigned). Keys up to 341
 * characters are encoded into a reused buffer, so the hot path allocates nothing.
 */
export function murmur3(text: string, seed = 0): number {
  if (text.length * 3 <= scratch.length) {
    const { written } = encoder.encodeInto(text, scratch);
    return murmur3Bytes(scratch, written, seed);
  }
  const bytes = encoder.encode(text);
  return murmur3Bytes(bytes, bytes.length, seed);
}

/** Buckets a unit key is hashed into for sticky assignment. */
export const BUCKETS = 10_000;

/**
 * The sticky bucket (0..9,999) of a unit key within an experiment: murmur3 of `key` seeded with
 * murmur3 of `salt` (the deployment name by default), so each deployment splits users independently.
 */
export function stickyBucket(salt: string, key: string): number {
  return murmur3(key, murmur3(salt)) % BUCKETS;
}
