import { silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { metadataStoreConformance } from '../conformance/metadata-store.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir();
let n = 0;
metadataStoreConformance('sqlite', () =>
  openStore('metadata', `sqlite:meta-${n++}.db`, { root, log: silentLogger(), clock: systemClock }),
);
