import { serveRequests } from '../../threads.ts';
import { judgeCases, type CaseToJudge } from './judge-threads.ts';

/** Judges the cases of each request it is sent. */

serveRequests(async () => ({ ready: null, answer: async (cases: CaseToJudge[]) => ({ answer: judgeCases(cases) }) }));
