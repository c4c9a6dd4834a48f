import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DEMO_DATA_DIR } from '../datasets/demo/location.ts';

/**
 * The datasets the judge is validated on: the demo brand and public customer-support data read in
 * place from ../shared/datasets (never copied; see each SOURCE.md for its licence). Only ids,
 * hashes and labels of their items are committed, never their text.
 */

export const SHARED_DATASETS = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));

export interface ValidityDataset {
  /** Short name, part of every item id. */
  name: string;
  paths: string[];
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
  { name: 'twitter', paths: ['dev.json', 'test.json'].map((file) => join(SHARED_DATASETS, 'ibm_twitter_cdp', file)) },
  {
    name: 'abcd',
    paths: ['guidelines.json', 'kb.json', 'abcd_sample.json', 'abcd_processed_sample_20.jsonl'].map((file) => join(SHARED_DATASETS, 'abcd', file)),
  },
];
