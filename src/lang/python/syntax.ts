// Small readings of tree-sitter-python nodes shared by the resolver and the extractors.
import type { SyntaxNode } from './tree-sitter.js';

/** A call's argument by position or keyword, as pika and Celery accept both. */
export function argument(
  args: SyntaxNode | null | undefined,
  position: number | undefined,
  keyword?: string,
): SyntaxNode | undefined {
  if (!args) return undefined;
  // `f(x for x in xs)`: the generator is the only, positional, argument.
  if (args.type === 'generator_expression') return position === 0 ? args : undefined;
  if (keyword !== undefined) {
    const named = keywordArgument(args, keyword);
    if (named) return named;
  }
  if (position === undefined) return undefined;
  let index = 0;
  for (const child of args.namedChildren) {
    if (child.type === 'keyword_argument' || child.type === 'comment') continue;
    // After `*args` positions are unknown.
    if (child.type === 'list_splat' || child.type === 'dictionary_splat') return undefined;
    if (index === position) return child;
    index += 1;
  }
  return undefined;
}

export function keywordArgument(args: SyntaxNode, keyword: string): SyntaxNode | undefined {
  if (args.type !== 'argument_list') return undefined;
  for (const child of args.namedChildren) {
    if (child.type !== 'keyword_argument') continue;
    if (child.childForFieldName('name')?.text === keyword)
      return child.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

export function positionalArguments(args: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!args) return [];
  if (args.type === 'generator_expression') return [args];
  const positional: SyntaxNode[] = [];
  for (const child of args.namedChildren) {
    if (child.type === 'keyword_argument' || child.type === 'comment') continue;
    if (child.type === 'list_splat' || child.type === 'dictionary_splat') break;
    positional.push(child);
  }
  return positional;
}

export function keywordNames(args: SyntaxNode | null | undefined): string[] {
  if (!args) return [];
  return args.namedChildren
    .filter((c) => c.type === 'keyword_argument')
    .map((c) => c.childForFieldName('name')?.text ?? '');
}

/** The innermost function definition around a node. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  // Found by position among the tree's functions: walking `parent` crosses into the native
  // tree at every step and dominated name resolution.
  const functions = functionsOf(node.tree);
  const [start, end] = [node.startIndex, node.endIndex];
  let low = 0;
  let high = functions.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((functions[middle]?.start ?? 0) <= start) low = middle + 1;
    else high = middle;
  }
  for (let i = low - 1; i >= 0; i -= 1) {
    const fn = functions[i];
    if (!fn || fn.end < end) continue;
    if (fn.start === start && fn.end === end && node.type === 'function_definition') continue;
    return fn.node;
  }
  return undefined;
}

interface FunctionSpan {
  node: SyntaxNode;
  start: number;
  end: number;
}

/** Every function definition of a tree, nested ones included, by start. */
function functionsOf(tree: SyntaxNode['tree']): FunctionSpan[] {
  const cached = functionCache.get(tree);
  if (cached) return cached;
  const spans: FunctionSpan[] = [];
  const cursor = tree.walk();
  let descend = cursor.gotoFirstChild();
  while (descend || climbToNextSibling(cursor)) {
    const type = cursor.nodeType;
    if (type === 'function_definition') {
      spans.push({ node: cursor.currentNode, start: cursor.startIndex, end: cursor.endIndex });
    }
    descend = !NO_STATEMENTS.has(type) && cursor.gotoFirstChild();
  }
  functionCache.set(tree, spans);
  return spans;
}

const functionCache = new WeakMap<SyntaxNode['tree'], FunctionSpan[]>();

/** The class a method belongs to, when the function is defined directly in a class body. */
export function classOfMethod(fn: SyntaxNode): SyntaxNode | undefined {
  let parent = fn.parent;
  if (parent?.type === 'decorated_definition') parent = parent.parent;
  if (parent?.type === 'block' && parent.parent?.type === 'class_definition') return parent.parent;
  return undefined;
}

export function functionName(fn: SyntaxNode): string {
  return fn.childForFieldName('name')?.text ?? '<function>';
}

export interface Parameter {
  name: string;
  node: SyntaxNode;
  index: number;
  annotation?: SyntaxNode;
  defaultValue?: SyntaxNode;
}

export function parametersOf(fn: SyntaxNode): Parameter[] {
  const list = fn.childForFieldName('parameters');
  if (!list) return [];
  const parameters: Parameter[] = [];
  for (const child of list.namedChildren) {
    const index = parameters.length;
    if (child.type === 'identifier') {
      parameters.push({ name: child.text, node: child, index });
      continue;
    }
    const nameNode =
      child.type === 'typed_parameter'
        ? child.namedChildren.find((c) => c.type === 'identifier')
        : child.childForFieldName('name');
    if (!nameNode || nameNode.type !== 'identifier') continue;
    const annotation = child.childForFieldName('type') ?? undefined;
    const defaultValue = child.childForFieldName('value') ?? undefined;
    parameters.push({ name: nameNode.text, node: child, index, annotation, defaultValue });
  }
  return parameters;
}

/** The text of a plain string literal (no interpolation), or undefined. */
export function stringLiteral(node: SyntaxNode): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map(stringLiteral);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  let value = '';
  for (const child of node.namedChildren) {
    if (child.type === 'string_content') value += child.text;
    else if (child.type === 'escape_sequence') value += unescape(child.text);
    else if (child.type === 'interpolation') return undefined;
  }
  return value;
}

function unescape(sequence: string): string {
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
  };
  return simple[sequence.slice(1)] ?? sequence;
}

/** Number and boolean literals. */
export function scalarLiteral(node: SyntaxNode): number | boolean | undefined {
  if (node.type === 'true') return true;
  if (node.type === 'false') return false;
  if (node.type === 'integer' || node.type === 'float') {
    const value = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(value) ? value : undefined;
  }
  if (node.type === 'unary_operator' && node.text.startsWith('-')) {
    const inner = node.namedChildren[0];
    const value = inner ? scalarLiteral(inner) : undefined;
    return typeof value === 'number' ? -value : undefined;
  }
  return undefined;
}

export function isInsideLoop(node: SyntaxNode, stopAt?: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent; current && current !== stopAt; current = current.parent) {
    if (current.type === 'for_statement' || current.type === 'while_statement') return current;
    if (current.type === 'function_definition') return undefined;
  }
  return undefined;
}

/** Descendants of a node, not entering nested function or class definitions. */
export function ownDescendants(node: SyntaxNode, type: string): SyntaxNode[] {
  const key = `${String(node.id)}:${type}`;
  let perTree = descendantCache.get(node.tree);
  if (!perTree) {
    perTree = new Map();
    descendantCache.set(node.tree, perTree);
  }
  const cached = perTree.get(key);
  if (cached) return cached;

  // A cursor walk: reading `namedChildren` at every level copies whole subtrees out of the
  // native tree and dominated the scan of large Python repositories.
  const found: SyntaxNode[] = [];
  const cursor = node.walk();
  let descend = cursor.gotoFirstChild();
  while (descend || climbToNextSibling(cursor)) {
    const nested =
      cursor.nodeType === 'function_definition' || cursor.nodeType === 'class_definition';
    if (cursor.nodeIsNamed && cursor.nodeType === type) found.push(cursor.currentNode);
    descend = !nested && cursor.gotoFirstChild();
  }
  perTree.set(key, found);
  return found;
}

/** Like `ownDescendants` for several types in one walk, in document order; not cached. */
export function ownDescendantsOfTypes(node: SyntaxNode, types: ReadonlySet<string>): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const cursor = node.walk();
  let descend = cursor.gotoFirstChild();
  while (descend || climbToNextSibling(cursor)) {
    const type = cursor.nodeType;
    const nested = type === 'function_definition' || type === 'class_definition';
    if (cursor.nodeIsNamed && types.has(type)) found.push(cursor.currentNode);
    descend = !nested && !NO_STATEMENTS.has(type) && cursor.gotoFirstChild();
  }
  return found;
}

// Expressions never hold statements (a `def`, an assignment, a `with ... as`), so walks looking
// for those need not enter them; they make up most of a tree.
const NO_STATEMENTS = new Set([
  'call',
  'string',
  'concatenated_string',
  'dictionary',
  'list',
  'set',
  'list_comprehension',
  'dictionary_comprehension',
  'set_comprehension',
  'generator_expression',
  'binary_operator',
  'boolean_operator',
  'comparison_operator',
  'subscript',
  'attribute',
  'lambda',
  'parameters',
  'decorator',
  'import_statement',
  'import_from_statement',
]);

const descendantCache = new WeakMap<SyntaxNode['tree'], Map<string, SyntaxNode[]>>();

/** Moves to the next sibling, climbing as needed; false once the walk is back at its start. */
function climbToNextSibling(cursor: ReturnType<SyntaxNode['walk']>): boolean {
  while (!cursor.gotoNextSibling()) {
    if (cursor.currentDepth === 0 || !cursor.gotoParent()) return false;
    if (cursor.currentDepth === 0) return false;
  }
  return true;
}
