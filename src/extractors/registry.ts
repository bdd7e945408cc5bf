// Every language plugin and its extractors. Adding an extractor means adding it here.
import type { Extractor, ExtractorDeclaration, LanguagePlugin } from './contract.js';
import { typescriptPlugin } from '../lang/typescript/plugin.js';
import { pythonPlugin } from '../lang/python/plugin.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each plugin keeps its own file type
export type AnyPlugin = LanguagePlugin<any>;

export const PLUGINS: readonly AnyPlugin[] = [typescriptPlugin, pythonPlugin];

export function allExtractors(): ExtractorDeclaration[] {
  return PLUGINS.flatMap((plugin) => plugin.extractors as readonly Extractor<unknown>[]);
}
