// A reader for the part of HCL 2 that Terraform modules declare resources with: blocks with
// labels, attributes, literals, references (aws_sqs_queue.dlq.arn), function calls
// (jsonencode({...})), objects, tuples, templates and heredocs. Operators and conditionals
// are kept as their source text. A syntax error stops the file with its line.
// Docs: https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md

export type HclValue =
  | { kind: 'string'; value: string; line: number; template: boolean }
  | { kind: 'number'; value: number; line: number }
  | { kind: 'bool'; value: boolean; line: number }
  | { kind: 'null'; line: number }
  | { kind: 'ref'; path: string[]; line: number }
  | { kind: 'call'; name: string; args: HclValue[]; line: number }
  | { kind: 'object'; entries: Map<string, HclValue>; line: number }
  | { kind: 'tuple'; items: HclValue[]; line: number }
  | { kind: 'raw'; text: string; line: number };

export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  line: number;
}

export interface HclBody {
  attributes: Map<string, HclValue>;
  blocks: HclBlock[];
}

export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type TokenKind = 'ident' | 'number' | 'string' | 'heredoc' | 'punct' | 'newline' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  /** For strings: whether `${` or `%{` interpolation appears. */
  template?: boolean;
}

export function parseHcl(source: string): HclBody {
  const parser = new Parser(tokenize(source));
  return parser.body(true);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: TokenKind, text: string, at: number, template?: boolean) =>
    tokens.push({ kind, text, line: at, template });
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === '\n') {
      push('newline', '\n', line);
      line += 1;
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
    } else if (c === '#' || (c === '/' && source[i + 1] === '/')) {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new HclSyntaxError('unterminated comment', line);
      line += countNewlines(source.slice(i, end));
      i = end + 2;
    } else if (c === '"') {
      const start = line;
      const { value, next, template, lines } = readString(source, i, line);
      push('string', value, start, template);
      line += lines;
      i = next;
    } else if (c === '<' && source[i + 1] === '<' && /[-A-Za-z_]/.test(source[i + 2] ?? '')) {
      const match = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(source.slice(i, i + 200));
      if (!match?.[1]) throw new HclSyntaxError('malformed heredoc', line);
      const bodyStart = i + match[0].length;
      const closing = new RegExp(`^[ \\t]*${match[1]}[ \\t]*\\r?$`, 'm');
      const rest = source.slice(bodyStart);
      const found = closing.exec(rest);
      if (!found) throw new HclSyntaxError(`heredoc ${match[1]} is never closed`, line);
      const body = rest.slice(0, found.index);
      push('heredoc', body, line, /[$%]\{/.test(body));
      const consumed = match[0].length + found.index + found[0].length;
      line += countNewlines(source.slice(i, i + consumed));
      i += consumed;
    } else if (/[0-9]/.test(c)) {
      const match = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i, i + 64));
      const text = match?.[0] ?? c;
      push('number', text, line);
      i += text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][\w-]*/.exec(source.slice(i, i + 256));
      const text = match?.[0] ?? c;
      push('ident', text, line);
      i += text.length;
    } else {
      const two = source.slice(i, i + 2);
      const three = source.slice(i, i + 3);
      const text =
        three === '...'
          ? three
          : ['==', '!=', '<=', '>=', '&&', '||', '=>'].includes(two)
            ? two
            : c;
      if (!'{}[]()=,.:?!<>+-*/%&|'.includes(text[0] ?? '') && text.length === 1)
        throw new HclSyntaxError(`unexpected character ${JSON.stringify(c)}`, line);
      push('punct', text, line);
      i += text.length;
    }
  }
  push('eof', '', line);
  return tokens;
}

function countNewlines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '\n') n += 1;
  return n;
}

function readString(
  source: string,
  start: number,
  line: number,
): { value: string; next: number; template: boolean; lines: number } {
  let i = start + 1;
  let value = '';
  let template = false;
  let depth = 0;
  let lines = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === '\n' && depth === 0) throw new HclSyntaxError('unterminated string', line);
    if (c === '\n') lines += 1;
    if (depth === 0 && c === '"') return { value, next: i + 1, template, lines };
    if (c === '\\' && depth === 0) {
      const escaped = source[i + 1] ?? '';
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
      i += 2;
      continue;
    }
    if ((c === '$' || c === '%') && source[i + 1] === '{' && source[i - 1] !== c) {
      template = true;
      depth += 1;
      value += `${c}{`;
      i += 2;
      continue;
    }
    if (depth > 0 && c === '{') depth += 1;
    if (depth > 0 && c === '}') depth -= 1;
    value += c;
    i += 1;
  }
  throw new HclSyntaxError('unterminated string', line);
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index] ?? { kind: 'eof', text: '', line: 0 };
  }

  private advance(): Token {
    const token = this.current;
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private skipNewlines(): void {
    while (this.current.kind === 'newline') this.index += 1;
  }

  private expect(text: string): Token {
    const token = this.current;
    if (token.text !== text || token.kind === 'string')
      throw new HclSyntaxError(`expected "${text}", found ${describe(token)}`, token.line);
    return this.advance();
  }

  body(topLevel: boolean): HclBody {
    const result: HclBody = { attributes: new Map(), blocks: [] };
    for (;;) {
      this.skipNewlines();
      const token = this.current;
      if (token.kind === 'eof') {
        if (!topLevel) throw new HclSyntaxError('block is never closed', token.line);
        return result;
      }
      if (token.text === '}' && token.kind === 'punct') {
        if (topLevel) throw new HclSyntaxError('unexpected "}"', token.line);
        return result;
      }
      if (token.kind !== 'ident')
        throw new HclSyntaxError(`expected a name, found ${describe(token)}`, token.line);
      this.advance();
      if (this.current.kind === 'punct' && this.current.text === '=') {
        this.advance();
        result.attributes.set(token.text, this.expression());
        this.endOfLine();
        continue;
      }
      const labels: string[] = [];
      while (this.current.kind === 'string' || this.current.kind === 'ident')
        labels.push(this.advance().text);
      this.expect('{');
      const inner = this.body(false);
      this.expect('}');
      result.blocks.push({ type: token.text, labels, body: inner, line: token.line });
    }
  }

  private endOfLine(): void {
    const token = this.current;
    if (token.kind === 'newline' || token.kind === 'eof') return;
    if (token.kind === 'punct' && token.text === '}') return;
    throw new HclSyntaxError(`unexpected ${describe(token)} after an attribute`, token.line);
  }

  /** An expression; anything beyond a primary with its postfixes is kept as text. */
  private expression(): HclValue {
    const start = this.index;
    const value = this.postfix(this.primary());
    if (this.atExpressionEnd()) return value;
    this.skipRest();
    const text = this.tokens
      .slice(start, this.index)
      .filter((t) => t.kind !== 'newline')
      .map((t) => (t.kind === 'string' ? JSON.stringify(t.text) : t.text))
      .join(' ');
    return { kind: 'raw', text, line: value.line };
  }

  private atExpressionEnd(): boolean {
    const token = this.current;
    if (token.kind === 'newline' || token.kind === 'eof') return true;
    return token.kind === 'punct' && [',', ')', ']', '}', ':', '=', '=>'].includes(token.text);
  }

  /** Skips operators and operands up to the end of the expression, keeping brackets balanced. */
  private skipRest(): void {
    let depth = 0;
    for (;;) {
      const token = this.current;
      if (token.kind === 'eof') throw new HclSyntaxError('expression is never closed', token.line);
      if (depth === 0 && token.kind === 'newline') return;
      if (token.kind === 'punct') {
        if (token.text in CLOSERS) depth += 1;
        else if ([')', ']', '}'].includes(token.text)) {
          if (depth === 0) return;
          depth -= 1;
        } else if (depth === 0 && (token.text === ',' || token.text === '=>')) return;
      }
      this.advance();
    }
  }

  private primary(): HclValue {
    const token = this.advance();
    const line = token.line;
    switch (token.kind) {
      case 'string':
      case 'heredoc':
        return { kind: 'string', value: token.text, line, template: token.template === true };
      case 'number':
        return { kind: 'number', value: Number(token.text), line };
      case 'ident':
        if (token.text === 'true' || token.text === 'false')
          return { kind: 'bool', value: token.text === 'true', line };
        if (token.text === 'null') return { kind: 'null', line };
        if (this.current.kind === 'punct' && this.current.text === '(')
          return this.call(token.text, line);
        return { kind: 'ref', path: [token.text], line };
      case 'punct':
        if (token.text === '{') return this.object(line);
        if (token.text === '[') return this.tuple(line);
        if (token.text === '(') {
          this.skipNewlines();
          const inner = this.expression();
          this.skipNewlines();
          this.expect(')');
          return inner;
        }
        if (token.text === '-' || token.text === '!') {
          const operand = this.postfix(this.primary());
          if (token.text === '-' && operand.kind === 'number')
            return { kind: 'number', value: -operand.value, line };
          return { kind: 'raw', text: `${token.text}${describeValue(operand)}`, line };
        }
        break;
      default:
        break;
    }
    throw new HclSyntaxError(`unexpected ${describe(token)} in an expression`, line);
  }

  private postfix(value: HclValue): HclValue {
    let current = value;
    for (;;) {
      const token = this.current;
      if (token.kind !== 'punct') return current;
      if (token.text === '.') {
        this.advance();
        const name = this.advance();
        if (name.kind !== 'ident' && name.kind !== 'number' && name.text !== '*')
          throw new HclSyntaxError(`expected an attribute name after "."`, name.line);
        current =
          current.kind === 'ref'
            ? { ...current, path: [...current.path, name.text] }
            : { kind: 'raw', text: `${describeValue(current)}.${name.text}`, line: current.line };
      } else if (token.text === '[') {
        this.advance();
        this.skipNewlines();
        const index = this.current.text === '*' ? this.advance() : undefined;
        const key = index ? undefined : this.expression();
        this.skipNewlines();
        this.expect(']');
        const part = index ? '*' : key && key.kind !== 'raw' ? describeValue(key) : '?';
        current =
          current.kind === 'ref'
            ? { ...current, path: [...current.path, part] }
            : { kind: 'raw', text: `${describeValue(current)}[${part}]`, line: current.line };
      } else {
        return current;
      }
    }
  }

  private call(name: string, line: number): HclValue {
    this.expect('(');
    const args: HclValue[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.current.kind === 'punct' && this.current.text === ')') break;
      args.push(this.expression());
      this.skipNewlines();
      if (this.current.kind === 'punct' && this.current.text === '...') this.advance();
      if (this.current.kind === 'punct' && this.current.text === ',') this.advance();
      else break;
    }
    this.skipNewlines();
    this.expect(')');
    return { kind: 'call', name, args, line };
  }

  private object(line: number): HclValue {
    const entries = new Map<string, HclValue>();
    for (;;) {
      this.skipNewlines();
      if (this.current.kind === 'punct' && this.current.text === '}') break;
      if (this.current.kind === 'ident' && this.current.text === 'for') return this.forRest(line);
      const key = this.expression();
      const separator = this.advance();
      if (separator.text !== '=' && separator.text !== ':')
        throw new HclSyntaxError(`expected "=" in an object, found ${describe(separator)}`, line);
      const value = this.expression();
      entries.set(keyText(key), value);
      if (this.current.kind === 'punct' && this.current.text === ',') this.advance();
    }
    this.expect('}');
    return { kind: 'object', entries, line };
  }

  private tuple(line: number): HclValue {
    const items: HclValue[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.current.kind === 'punct' && this.current.text === ']') break;
      if (this.current.kind === 'ident' && this.current.text === 'for') return this.forRest(line);
      items.push(this.expression());
      this.skipNewlines();
      if (this.current.kind === 'punct' && this.current.text === ',') this.advance();
      else break;
    }
    this.skipNewlines();
    this.expect(']');
    return { kind: 'tuple', items, line };
  }

  /** A `for` expression: kept as text up to its closing bracket. */
  private forRest(line: number): HclValue {
    const parts: string[] = [];
    let depth = 0;
    for (;;) {
      const token = this.advance();
      if (token.kind === 'eof') throw new HclSyntaxError('for expression is never closed', line);
      if (token.kind === 'punct' && token.text in CLOSERS) depth += 1;
      if (token.kind === 'punct' && [')', ']', '}'].includes(token.text)) {
        if (depth === 0) return { kind: 'raw', text: `for ${parts.join(' ')}`, line };
        depth -= 1;
      }
      if (token.kind !== 'newline') parts.push(token.text);
    }
  }
}

function keyText(key: HclValue): string {
  if (key.kind === 'string') return key.value;
  if (key.kind === 'ref') return key.path.join('.');
  return describeValue(key);
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the file';
  if (token.kind === 'newline') return 'a line break';
  return JSON.stringify(token.text);
}

/** Source-like text of a value, for names kept as expressions. */
export function describeValue(value: HclValue): string {
  switch (value.kind) {
    case 'string':
      return value.template ? `"${value.value}"` : value.value;
    case 'number':
      return String(value.value);
    case 'bool':
      return String(value.value);
    case 'null':
      return 'null';
    case 'ref':
      return value.path.join('.');
    case 'call':
      return `${value.name}(${value.args.map(describeValue).join(', ')})`;
    case 'object':
      return `{${[...value.entries].map(([k, v]) => `${k} = ${describeValue(v)}`).join(', ')}}`;
    case 'tuple':
      return `[${value.items.map(describeValue).join(', ')}]`;
    case 'raw':
      return value.text;
  }
}
