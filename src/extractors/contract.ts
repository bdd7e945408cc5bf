// The one contract every extractor follows, whatever parses the file: it declares what it
// reads and may emit, then turns one parsed file into graph records. Extractors never touch
// the database, templates or console.
import type { EdgeType, GraphRecord, NodeLabel } from '../model/graph.js';
import type { TechnologyId } from '../model/taxonomy.js';

export type Language = 'typescript' | 'python' | 'manifest' | 'config';

/** A file selected for extraction, read once by the scan. */
export interface SourceInput {
  repository: string;
  /** Absolute path of the repository root. */
  root: string;
  /** Path relative to the root, with '/'. */
  path: string;
  language: Language;
  text: string;
}

export interface Diagnostic {
  /** A note tells what was read and deliberately not reported (infrastructure alone). */
  severity: 'warning' | 'error' | 'note';
  repository: string;
  file?: string;
  line?: number;
  message: string;
}

export interface ExtractorDeclaration {
  /** Folder name under src/extractors. */
  id: string;
  title: string;
  /** The documentation of what the extractor reads. */
  docs: string;
  language: Language;
  technologies: readonly TechnologyId[];
  /** npm or PyPI package names whose import makes a file this extractor's business. */
  packages: readonly string[];
  /**
   * Module names code imports the library by. A repository in which no file mentions one
   * cannot hold this library's clients, so the extractor does not run there at all.
   */
  imports: readonly string[];
  /** Words the prefilter looks for; a file that mentions none of them is not parsed. */
  prefilter: readonly string[];
  emits: { nodes: readonly NodeLabel[]; edges: readonly EdgeType[] };
}

export interface ExtractContext {
  /** Records a problem with the file and lets the scan go on. */
  report(
    diagnostic: Omit<Diagnostic, 'repository' | 'severity'> & { severity?: 'warning' | 'note' },
  ): void;
}

export interface Extractor<ParsedFile> extends ExtractorDeclaration {
  extract(file: ParsedFile, context: ExtractContext): GraphRecord[];
}

/** Read access to the files discovered in one repository, for resolving imports. */
export interface Workspace {
  repository: string;
  root: string;
  /** Relative paths ('/') of every file discovery kept. */
  files: ReadonlySet<string>;
  /** Text of a discovered file, or undefined when it is not one or cannot be read. */
  read(path: string): string | undefined;
}

/** Parses the selected files of one language once, for all extractors of that language. */
export interface Frontend<ParsedFile> {
  language: Language;
  load(
    inputs: readonly SourceInput[],
    workspace: Workspace,
  ): {
    files: ParsedFile[];
    diagnostics: Diagnostic[];
  };
  /** The input a parsed file came from. */
  inputOf(file: ParsedFile): SourceInput;
}

/** A frontend with the extractors that read what it parses. */
export interface LanguagePlugin<ParsedFile> {
  frontend: Frontend<ParsedFile>;
  extractors: readonly Extractor<ParsedFile>[];
}
