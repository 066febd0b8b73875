import type { PrunerSpec } from './pruner.js';
import type { SamplerSpec } from './sampler.js';
import type { SearchSpace } from './space.js';
import type { SpaceSpec } from './space-spec.js';
import type { Direction } from './trial.js';

/** Options of `createStudy`. */
export interface StudyOptions {
  /** The search space (a checked `SearchSpace` or a spec that `defineSpace` checks). */
  readonly space: SearchSpace | SpaceSpec;
  /** Default 'minimize'. */
  readonly direction?: Direction;
  /** Default `{ type: 'tpe' }` with Optuna 3.1's defaults. */
  readonly sampler?: SamplerSpec;
  /** Default `{ type: 'none' }`. */
  readonly pruner?: PrunerSpec;
  /** Seed of every random stream, an integer in [0, 2^32); default a random one (stored in the study). */
  readonly seed?: number;
  /** Study name (Hyperband hashes it into bracket choices, as Optuna). Default 'study'. */
  readonly name?: string;
}
