import { fileURLToPath } from 'node:url';

/** The bundled demo brand's exports, as committed in the repository. */
export const DEMO_DATA_DIR = fileURLToPath(new URL('./data', import.meta.url));
