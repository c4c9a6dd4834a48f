/**
 * Tickets answered at once when no candidate waits on an endpoint. The candidates then only
 * compute, on the main thread, and the more tickets in flight, the more of their queries share
 * one run of the embedding model and one pass of the vector scan over the past tickets (a query
 * alone reads all 10,000 rows' vectors for itself: 0.58 ms, 8 together 0.11 ms each). From 4 to 8
 * on a 3,000-ticket sample of a 10,000-ticket history: 4.1 → 3.1 ms of main-thread CPU a ticket;
 * once the knowledge searches cost little, from 8 to 16 on 9,000 tickets of it: 515–573 → 660–754
 * tickets/s. Since onnxruntime's threads sleep between runs, from 16 to 64 on those 9,000 tickets,
 * alternated: 12.5–13.6 → 9.3–11.3 s (16.7–18.0 → 12.2–15.2 s of CPU), 40–90 MB more RSS (128:
 * 10.7–11.7 s); the last 90 days of it (1,118 tickets) 2.4–3.3 → 2.2–2.9 s; a 100,000-ticket
 * history, searched through its vector index, the same at both.
 *
 * A module of its own: the config's description and `init`'s template say it without loading the replay.
 */
export const COMPUTING_CONCURRENCY = 64;
