// Step 2: only files that mention a known library or API are parsed. One regular
// expression per language, built from the words every extractor declares.
import type { ExtractorDeclaration, Language } from '../extractors/contract.js';

export type Prefilter = (language: Language, text: string) => boolean;

export function buildPrefilter(declarations: readonly ExtractorDeclaration[]): Prefilter {
  const words = new Map<Language, Set<string>>();
  for (const declaration of declarations) {
    const set = words.get(declaration.language) ?? new Set<string>();
    for (const word of declaration.prefilter) set.add(word);
    words.set(declaration.language, set);
  }
  const patterns = new Map<Language, RegExp>();
  for (const [language, set] of words) {
    const alternation = [...set].sort().map(escapeRegExp).join('|');
    if (alternation) patterns.set(language, new RegExp(alternation));
  }
  return (language, text) => {
    // Configuration files are chosen by name and sorted by content in their frontend.
    if (language === 'manifest' || language === 'config') return true;
    return patterns.get(language)?.test(text) ?? false;
  };
}

/** The prefilter words of every extractor, for tools that search the same way (bench). */
export function prefilterWords(declarations: readonly ExtractorDeclaration[]): string[] {
  return [...new Set(declarations.flatMap((d) => d.prefilter))].sort();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The extractors whose library some file of the repository mentions at all. */
export function activeExtractors<T extends ExtractorDeclaration>(
  extractors: readonly T[],
  files: readonly { language: Language; text: string }[],
): T[] {
  return extractors.filter((extractor) =>
    files.some(
      (file) =>
        file.language === extractor.language &&
        extractor.imports.some((name) => file.text.includes(name)),
    ),
  );
}
