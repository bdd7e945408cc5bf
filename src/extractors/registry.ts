// Every language plugin and its extractors. Adding an extractor means adding it here.
import type { Extractor, ExtractorDeclaration, LanguagePlugin } from './contract.js';
import { typescriptPlugin } from '../lang/typescript/plugin.js';
import { pythonPlugin } from '../lang/python/plugin.js';
import { configPlugin } from '../lang/config/plugin.js';

// Each plugin keeps its own parsed-file type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPlugin = LanguagePlugin<any>;

export const PLUGINS: readonly AnyPlugin[] = [typescriptPlugin, pythonPlugin, configPlugin];

export function allExtractors(): ExtractorDeclaration[] {
  return PLUGINS.flatMap((plugin) => plugin.extractors as readonly Extractor<unknown>[]);
}
