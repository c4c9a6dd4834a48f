import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DEMO_DATA_DIR } from '../datasets/demo/location.ts';

/**
 * The datasets the judge is validated on: the demo brand and public customer-support data read in
 * place from ../shared/datasets (never copied; see each SOURCE.md for its licence). Only ids and
 * labels of their items are committed, never their text. ABCD (22 conversations in the sample)
 * and τ² (tasks, not tickets with agent replies) have no answers to label.
 */

export const SHARED_DATASETS = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));

export interface ValidityDataset {
  /** Short name, part of every item id. */
  name: string;
  paths: string[];
  /** Share of the history's time span replayed (its end), the rest being the past it searches. @default 0.2 */
  replayShare?: number;
}

export const VALIDITY_DATASETS: readonly ValidityDataset[] = [
  { name: 'demo', paths: [DEMO_DATA_DIR] },
  {
    name: 'multilingual',
    paths: [join(SHARED_DATASETS, 'multilingual_tickets_tobibueck', 'dataset-tickets-multi-lang3-4k.prefix.csv')],
  },
  {
    name: 'bitext',
    paths: [join(SHARED_DATASETS, 'bitext_customer_support', 'Bitext_Sample_Customer_Support_Training_Dataset.v2023-09-19.csv')],
  },
  // A candidate finds a close enough past thread for one tweet in eight: most of the history is replayed to have answers to label.
  { name: 'twitter', paths: ['dev.json', 'test.json'].map((file) => join(SHARED_DATASETS, 'ibm_twitter_cdp', file)), replayShare: 0.8 },
];
