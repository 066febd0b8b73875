import { type Column, Frame } from '../../../core/index.js';

/**
 * A frame as plain data whose number and code arrays live in SharedArrayBuffers: posting it to a
 * worker shares the memory instead of copying it, so P workers hold the training data once.
 */
export interface SharedFrame {
  readonly columns: readonly Column[];
}

/** Copies the columns `names` of `frame` into shared memory (text columns are copied as arrays). */
export function shareFrame(frame: Frame, names: readonly string[]): SharedFrame {
  return {
    columns: names.map((name): Column => {
      const c = frame.column(name);
      if (c.type === 'categorical') return { ...c, codes: sharedCopy(c.codes, Int32Array) };
      if (c.type === 'text') return { ...c, values: [...c.values] };
      return { ...c, values: sharedCopy(c.values, Float64Array) };
    }),
  };
}

/** The frame over a shared frame's columns (no copy). */
export function frameFromShared(shared: SharedFrame): Frame {
  return Frame.fromColumns(shared.columns);
}

function sharedCopy<T extends Float64Array | Int32Array>(
  values: T,
  Ctor: { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
): T {
  const out = new Ctor(new SharedArrayBuffer(values.length * Ctor.BYTES_PER_ELEMENT));
  out.set(values as never);
  return out;
}
