import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { committedForestKernelModule, forestKernelModule } from '../../../scripts/build-forest-kernel.mjs';

describe('forest-kernel-wasm.ts', () => {
  it('is the compiled forest-kernel.wat (run node scripts/build-forest-kernel.mjs after editing the .wat)', async () => {
    expect(committedForestKernelModule()).toBe(await forestKernelModule());
  });
});
