import { createLlmClient } from '../../eval/llm/client.ts';

/**
 * Asks the endpoint at argv[2] three questions, one after another, and prints the answers as JSON:
 * for tests/eval/llm/tls.test.ts, which runs it with NODE_EXTRA_CA_CERTS set, read by Node only
 * when a process starts.
 */
const client = createLlmClient({ baseUrl: process.argv[2]!, model: 'm', maxRetries: 0 });
const answers: string[] = [];
for (const question of ['one', 'two', 'three']) answers.push((await client.chat([{ role: 'user', content: question }])).content);
process.stdout.write(JSON.stringify(answers));
