// Reading payload schemas of contracts: local `$ref`s (`#/components/...`) are followed inside
// the same document under a depth bound, cycles stop, and a remote or file reference is never
// fetched: it is reported once and the schema stays unread there.
import { entries, field, items, text, type Located } from '../../lang/config/yaml-tree.js';

/** How many `$ref`s one lookup may follow before it is given up. */
export const MAX_REF_DEPTH = 16;

export interface RefProblem {
  line: number;
  message: string;
}

export class Refs {
  readonly problems: RefProblem[] = [];
  private readonly reported = new Set<string>();

  constructor(private readonly root: Located) {}

  /** The node a value stands for: itself, or what its local `$ref` chain points to. */
  resolve(node: Located | undefined): Located | undefined {
    let current = node;
    const seen = new Set<string>();
    for (let depth = 0; current; depth += 1) {
      const target = text(field(current, '$ref'));
      if (target === undefined) return current;
      if (!target.startsWith('#')) {
        this.report(current.line, `$ref ${target} is not in this document; not fetched`);
        return undefined;
      }
      if (seen.has(target) || depth >= MAX_REF_DEPTH) {
        this.report(current.line, `$ref ${target} loops or nests too deep; not followed`);
        return undefined;
      }
      seen.add(target);
      current = this.pointer(target);
      if (!current) this.report(node?.line ?? 1, `$ref ${target} points to nothing`);
    }
    return undefined;
  }

  /** The last segment of a `$ref` (a component's key), when the value is one. */
  refName(node: Located | undefined): string | undefined {
    const target = text(field(node, '$ref'));
    return target?.startsWith('#/') ? unescape(target.split('/').pop() ?? '') : undefined;
  }

  /** Property names of an object schema, through `$ref`, `allOf` and Avro records. */
  fields(schema: Located | undefined): string[] {
    const found = new Set<string>();
    const visit = (node: Located | undefined, depth: number, trail: Set<Located>) => {
      const resolved = this.resolve(node);
      if (!resolved || depth > MAX_REF_DEPTH || trail.has(resolved)) return;
      const next = new Set(trail).add(resolved);
      for (const [name] of entries(field(resolved, 'properties'))) found.add(name);
      for (const avroField of items(field(resolved, 'fields'))) {
        const name = text(field(avroField, 'name'));
        if (name) found.add(name);
      }
      for (const part of items(field(resolved, 'allOf'))) visit(part, depth + 1, next);
    };
    visit(schema, 0, new Set());
    return [...found];
  }

  private pointer(target: string): Located | undefined {
    const path = target
      .replace(/^#\/?/, '')
      .split('/')
      .filter((p) => p !== '')
      .map(unescape);
    return path.length === 0 ? this.root : field(this.root, ...path);
  }

  private report(line: number, message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.problems.push({ line, message });
  }
}

function unescape(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // kept as written
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** A version the schema states: `x-version`, `version`, or a `version` property's const. */
export function versionOf(...nodes: (Located | undefined)[]): string | undefined {
  for (const node of nodes) {
    const written =
      text(field(node, 'x-version')) ??
      text(field(node, 'version')) ??
      text(field(node, 'properties', 'version', 'const')) ??
      text(field(node, 'properties', 'version', 'default'));
    if (written !== undefined) return written;
  }
  return undefined;
}
