/** The labels people give an answer in the labelling loop (labels.ts reads them from a spreadsheet). */

/**
 * correct: resolves the request as the agent did, with no false fact. wrong: does not, though the
 * candidate had what it needed. needs-human: it needed an action or information the candidate
 * lacked. partial: the earlier protocol's middle label, still read from old files; it counts as
 * neither correct nor wrong.
 */
export const HUMAN_LABELS = ['correct', 'wrong', 'needs-human', 'partial'] as const;
export type HumanLabel = (typeof HUMAN_LABELS)[number];
