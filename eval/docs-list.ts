/** Where the eval stage's registries (candidates, judges) take the docs' list from. */
export { markdownList } from '../datasets/text/docs-list.ts';
