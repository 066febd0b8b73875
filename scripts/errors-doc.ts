// Regenerates docs/errors.md from the error-code table.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/core/index.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
