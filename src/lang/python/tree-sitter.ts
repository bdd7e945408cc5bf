// The one place that loads tree-sitter and its Python grammar (CommonJS packages), parses text
// and runs the query files in ./queries. Extractors never see the parser, only syntax nodes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type TreeSitter from 'tree-sitter';
import { projectRoot } from '../../project-root.js';

const require = createRequire(import.meta.url);
const Parser = require('tree-sitter') as typeof TreeSitter;
const Python = require('tree-sitter-python') as TreeSitter.Language;

export type SyntaxNode = TreeSitter.SyntaxNode;
export type Tree = TreeSitter.Tree;
/** One query match: capture name to node (the last node when a name repeats). */
export type Captures = Record<string, SyntaxNode | undefined>;

export type QueryName =
  'imports' | 'calls' | 'decorated-functions' | 'assignments' | 'functions' | 'loops';

// Chunks keep tree-sitter from receiving one very large string, which some versions reject.
const CHUNK = 16 * 1024;

let parser: TreeSitter | undefined;

export function parsePython(text: string): Tree {
  parser ??= createParser();
  return parser.parse((index) => (index < text.length ? text.slice(index, index + CHUNK) : null));
}

function createParser(): TreeSitter {
  const created = new Parser();
  created.setLanguage(Python);
  return created;
}

/** The first ERROR or MISSING node, for a diagnostic; undefined when the tree is clean. */
export function firstSyntaxError(root: SyntaxNode): SyntaxNode | undefined {
  if (!root.hasError) return undefined;
  let node = root;
  for (;;) {
    const next = node.children.find((child) => child.hasError || child.isMissing);
    if (!next) return node;
    if (next.type === 'ERROR' || next.isMissing) return next;
    node = next;
  }
}

/** What the parser saw at an error, for a diagnostic: `missing ')'` or `unexpected 'x'`. */
export function describeSyntaxError(error: SyntaxNode): string {
  if (error.isMissing) return `missing '${error.type}'`;
  // An ERROR node spans the tokens the parser had to skip; its first line is enough to find it.
  const firstLine = error.text.split('\n')[0]?.trim() ?? '';
  const seen = firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine;
  return seen ? `unexpected '${seen}'` : 'unexpected end of input';
}

const compiled = new Map<QueryName, TreeSitter.Query>();

/** Runs a query file on a subtree and returns one capture record per match. */
export function runQuery(name: QueryName, node: SyntaxNode): Captures[] {
  let query = compiled.get(name);
  if (!query) {
    const source = readFileSync(path.join(queriesDirectory(), `${name}.scm`), 'utf8');
    query = new Parser.Query(Python, source);
    compiled.set(name, query);
  }
  return query.matches(node).map((match) => {
    const captures: Captures = {};
    for (const capture of match.captures) captures[capture.name] = capture.node;
    return captures;
  });
}

// tsc does not copy .scm files: they are read from the source tree, which ships with the package.
function queriesDirectory(): string {
  return path.join(projectRoot(), 'src', 'lang', 'python', 'queries');
}
