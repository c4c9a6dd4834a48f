import { z } from 'zod';

/** How to reach an OpenAI-compatible endpoint, as a config declares it: shared by the LLM candidate and the LLM judge. */
export const LLM_ENDPOINT = {
  baseUrl: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as OPENAI_API_KEY').optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(20).optional(),
  retryBaseMs: z.number().int().min(0).optional(),
  concurrency: z.number().int().positive().max(256).optional(),
  requestsPerMinute: z.number().positive().optional(),
  maxRetryAfterSeconds: z.number().min(0).optional(),
  price: z.strictObject({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) }).optional(),
  redact: z.boolean().optional(),
  cache: z.boolean().default(true),
};
