import { KeelError } from '../../core/index.js';
import type { ArtifactStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';

/** Artifacts in a local folder: `file:.keel/artifacts` or `file:///abs/path`. */
export const fileArtifactDriver: DriverSpec<ArtifactStore> = {
  backend: 'file',
  schemes: ['file'],
  example: 'file:.keel/artifacts',
  capabilities: { localFiles: true },
  async open(url) {
    if (url.path === ':memory:') {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `The artifact store URL "${url.redacted}" needs a folder path.`,
        {
          details: { url: url.redacted },
        },
      );
    }
    const { FileArtifactStore } = await import('./file-artifact-store.js');
    return new FileArtifactStore(url.path).init();
  },
};

export { assertDigest, FileArtifactStore } from './file-artifact-store.js';
