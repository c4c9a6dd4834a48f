import { z } from 'zod';
import { candidateSchemaOf, simulationConfigSchemaOf } from './config.ts';
import { RESPONDERS, type ResponderMap } from './responders/index.ts';

/** The file `init` writes next to the config; configs point at it by this relative path, which works offline. */
export const SCHEMA_FILE = 'shadowdesk.schema.json';

/**
 * The JSON Schema of `shadowdesk.yaml`, generated from the zod schema the loader validates with,
 * so editor completion can never disagree with `shadowdesk config check`. `io: 'input'` describes
 * what a person writes: keys with defaults stay optional. Its candidates are those of `map`.
 */
export function configJsonSchema(map: ResponderMap = RESPONDERS): Record<string, unknown> {
  const schema = z.toJSONSchema(simulationConfigSchemaOf(candidateSchemaOf(map)), { io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'shadowdesk simulation config',
    description: 'Candidates to replay past tickets against, which tickets they answer, and an optional LLM judge.',
  };
}
