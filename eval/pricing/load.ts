import { fileURLToPath } from 'node:url';
import { isShadowdeskError, ShadowdeskError } from '../../errors.ts';
import { readConfig } from '../config/config-file.ts';
import { PricingSchema, type Pricing } from './schema.ts';

/** The shipped presets, resolved next to this module so it works from any working directory. */
export const PRESETS_FILE = fileURLToPath(new URL('./presets.yaml', import.meta.url));

/** Reads and validates a pricing file (YAML or JSON); errors name `file:line: key.path`. */
export async function loadPricing(file: string = PRESETS_FILE): Promise<Pricing> {
  try {
    return await readConfig(file, PricingSchema, { what: 'pricing file' });
  } catch (error) {
    if (!isShadowdeskError(error) || error.code !== 'SD_INPUT_NOT_FOUND') throw error;
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${error.message}; start from a copy of the shipped presets: cp ${PRESETS_FILE} ${file}`, { cause: error });
  }
}
