import type { RandomStreamData as RandomStateData } from '../study-data.js';

/**
 * A Mersenne Twister (MT19937) random stream that reproduces NumPy's legacy
 * `numpy.random.RandomState(seed)` draw for draw: `random_sample`, `uniform` and `choice(p=...)`.
 *
 * Keel's samplers use it so that, for the same seed, they consume the same stream Optuna 3.1 does;
 * its whole state is a small plain object (`RandomStateData`) so a study can be stored and resumed.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** A NumPy-compatible MT19937 stream (see the file comment). */
export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;

  /** A stream seeded like `numpy.random.RandomState(seed)` with an integer seed in [0, 2^32). */
  static fromSeed(seed: number): RandomState {
    const rs = new RandomState();
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      rs.key[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    rs.pos = N;
    return rs;
  }

  /** Restores a stream saved with `toData()`. */
  static fromData(data: RandomStateData): RandomState {
    const rs = new RandomState();
    const bytes = base64ToBytes(data.key);
    if (bytes.length !== N * 4 || !Number.isInteger(data.pos) || data.pos < 0 || data.pos > N) {
      throw new RangeError('random state: key must hold 624 words and pos lie in [0, 624]');
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < N; i++) rs.key[i] = view.getUint32(i * 4, true);
    rs.pos = data.pos;
    return rs;
  }

  /** The state as plain data (about 3.3 kB of base64). */
  toData(): RandomStateData {
    const bytes = new Uint8Array(N * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < N; i++) view.setUint32(i * 4, this.key[i]!, true);
    return { key: bytesToBase64(bytes), pos: this.pos };
  }

  /** The next 32-bit unsigned integer of the stream. */
  nextUint32(): number {
    if (this.pos === N) this.generate();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits, as NumPy's `random_sample()`. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** `low + (high - low) * random_sample()`, as NumPy's `uniform(low, high)`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.randomSample();
  }

  /**
   * `size` indices drawn with replacement with probabilities `p`, as NumPy's legacy
   * `choice(len(p), size, p=p)`: the cumulative sum normalised by its last entry, searched on the right.
   */
  choice(p: Float64Array, size: number): Int32Array {
    const cdf = new Float64Array(p.length);
    let acc = 0;
    for (let i = 0; i < p.length; i++) cdf[i] = acc += p[i]!;
    const last = cdf[p.length - 1]!;
    for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / last;
    const out = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const u = this.randomSample();
      let lo = 0;
      let hi = cdf.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! <= u) lo = mid + 1;
        else hi = mid;
      }
      out[k] = lo;
    }
    return out;
  }

  private generate(): void {
    const mt = this.key;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function base64ToBytes(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
