// Copies every file under src/ that tsc does not compile (UI modules and styles, .proto files...)
// into dist/ at the same relative path. Run by `npm run build` after tsc.
import { cpSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let copied = 0;
cpSync(join(root, 'src'), join(root, 'dist'), {
  recursive: true,
  filter: (source) => {
    if (statSync(source).isDirectory()) return true;
    const isAsset = !source.endsWith('.ts');
    if (isAsset) copied++;
    return isAsset;
  },
});
console.log(`copy-assets: ${copied} files from src/ to dist/`);
