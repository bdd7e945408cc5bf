// The example queries in cypher/examples: one read-only query per file, with a header that
// says what it answers and which parameters it takes (`// params: name: meaning; ...`).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { projectRoot } from '../patterns/patterns.js';

export interface ExampleQuery {
  id: string;
  title: string;
  why: string;
  /** Parameter names with their meaning, in header order. */
  params: { name: string; meaning: string }[];
  cypher: string;
}

export function examplesFolder(): string {
  return path.join(projectRoot(), 'cypher', 'examples');
}

export function parseExample(file: string, text: string): ExampleQuery {
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    const field = /^\/\/ ([a-z]+): (.*)$/.exec(line);
    if (field?.[1] !== undefined && field[2] !== undefined) {
      current = field[1];
      fields.set(current, field[2].trim());
    } else if (current !== null && /^\/\/ {2,}\S/.test(line)) {
      fields.set(current, `${fields.get(current) ?? ''} ${line.slice(2).trim()}`);
    }
  }
  const id = path.basename(file, '.cypher');
  for (const name of ['id', 'title', 'why', 'params']) {
    if (!fields.get(name)) throw new Error(`${file}: header lacks ${name}`);
  }
  if (fields.get('id') !== id) throw new Error(`${file}: header id must be ${id}`);
  const declared = fields.get('params') ?? 'none';
  const params =
    declared === 'none'
      ? []
      : declared.split(';').map((part) => {
          const [name = '', ...meaning] = part.split(':');
          return { name: name.trim(), meaning: meaning.join(':').trim() };
        });
  return {
    id,
    title: fields.get('title') ?? '',
    why: fields.get('why') ?? '',
    params,
    // The header stays out of the statement: Kùzu 0.11 misreads some comment text (a
    // `// params:` line with parentheses and slashes returned no rows).
    cypher: text
      .split('\n')
      .filter((line) => !line.startsWith('//'))
      .join('\n'),
  };
}

export async function loadExamples(folder = examplesFolder()): Promise<ExampleQuery[]> {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.cypher')).sort();
  const examples: ExampleQuery[] = [];
  for (const file of files) {
    examples.push(parseExample(file, await readFile(path.join(folder, file), 'utf8')));
  }
  return examples;
}

/** The named example, with every parameter it declares given; a usage error otherwise. */
export async function exampleQuery(
  name: string,
  parameters: Record<string, unknown>,
): Promise<ExampleQuery> {
  const examples = await loadExamples();
  const example = examples.find((e) => e.id === name);
  if (!example) {
    const known = examples.map((e) => e.id).join(', ');
    throw new UsageError(`unknown example ${name}`, `choose one of: ${known}`);
  }
  const missing = example.params.filter((p) => !(p.name in parameters));
  if (missing.length > 0) {
    const list = missing.map((p) => `--param ${p.name}=... (${p.meaning})`).join(', ');
    throw new UsageError(`example ${name} needs ${list}`);
  }
  return example;
}
