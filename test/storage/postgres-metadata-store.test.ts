import { afterAll, describe } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { metadataStoreConformance } from '../conformance/metadata-store.js';
import { dropSchemas, emptyKeelTables, withSchema } from '../helpers/pg-schemas.js';
import { serviceUrl } from '../helpers/services.js';

const url = serviceUrl('postgres');
const schema = `keel_t_${randomHex(4)}`;
if (url) {
  afterAll(() => dropSchemas(url, schema));
  metadataStoreConformance('postgres', async () => {
    await emptyKeelTables(url, schema);
    return openStore('metadata', withSchema(url, schema), {
      root: '.',
      log: silentLogger(),
      clock: systemClock,
    });
  });
} else describe.skip('metadata store conformance: postgres (KEEL_TEST_POSTGRES_URL unset)', () => {});
