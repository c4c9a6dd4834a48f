import { fileURLToPath } from 'node:url';
import { readConfig } from '../config-file.ts';
import { PricingSchema, type Pricing } from './schema.ts';

/** The shipped presets, resolved next to this module so it works from any working directory. */
export const PRESETS_FILE = fileURLToPath(new URL('./presets.yaml', import.meta.url));

/** Reads and validates a pricing file (YAML or JSON); errors name `file:line: key.path`. */
export function loadPricing(file: string = PRESETS_FILE): Promise<Pricing> {
  return readConfig(file, PricingSchema);
}
