// `scan --system eventgraph.yaml`: the repositories of one system, listed once so that every
// scan of it (by hand or by CI) names them the same way.
//
//   name: shop                      # optional: the report's title
//   repositories:
//     - path: ../orders             # relative to this file
//       name: orders                # optional: the repository's name in the graph
//       remote: https://github.com/acme/orders   # optional: web links to its files
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { UsageError, messageOf } from '../errors.js';

export interface SystemRepository {
  path: string;
  name?: string;
  remote?: string;
}

export interface SystemFile {
  name?: string;
  repositories: SystemRepository[];
}

/** A system file is a short hand-written list; anything larger is not one. */
const MAX_BYTES = 256 * 1024;
const NAME = /^[\w.@-][\w.@ /-]{0,99}$/;

export async function readSystemFile(file: string): Promise<SystemFile> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the system file ${file}: ${messageOf(error)}`);
  }
  if (source.length > MAX_BYTES) {
    throw new UsageError(
      `the system file ${file} is larger than 256 KiB`,
      'list repositories only',
    );
  }
  return parseSystemFile(source, file);
}

export function parseSystemFile(source: string, file: string): SystemFile {
  const fail = (what: string): never => {
    throw new UsageError(
      `${file}: ${what}`,
      'see README.md, "Systems of many repositories", for the format',
    );
  };
  // Aliases are refused outright: a list of paths needs none, and they can expand without bound.
  const document = parseDocument(source, {
    uniqueKeys: true,
    prettyErrors: false,
    logLevel: 'error',
  });
  const problem = document.errors[0];
  if (problem) fail(`not valid YAML: ${problem.message.split('\n')[0] ?? ''}`);
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    fail(/alias/i.test(messageOf(error)) ? 'aliases (*name) are not allowed' : messageOf(error));
  }
  if (!isRecord(data)) return fail('expected a mapping with a `repositories` list');
  const unknown = Object.keys(data).filter((k) => k !== 'name' && k !== 'repositories');
  if (unknown.length > 0) fail(`unknown key ${unknown.map((k) => `\`${k}\``).join(', ')}`);
  const name = optionalText(data.name, 'name', fail);
  const list = data.repositories;
  if (!Array.isArray(list) || list.length === 0) fail('`repositories` must be a non-empty list');
  const folder = path.dirname(path.resolve(file));
  const repositories = (list as unknown[]).map((entry, index) => {
    const where = `repositories[${String(index)}]`;
    const item: Record<string, unknown> = typeof entry === 'string' ? { path: entry } : {};
    if (typeof entry !== 'string') {
      if (!isRecord(entry)) return fail(`${where} must be a path or a mapping with \`path\``);
      Object.assign(item, entry);
    }
    const extra = Object.keys(item).filter((k) => !['path', 'name', 'remote'].includes(k));
    if (extra.length > 0) fail(`${where}: unknown key \`${extra[0] ?? ''}\``);
    const at = optionalText(item.path, `${where}.path`, fail);
    if (at === undefined) return fail(`${where} has no \`path\``);
    const repository: SystemRepository = { path: path.resolve(folder, at) };
    const given = optionalText(item.name, `${where}.name`, fail);
    if (given !== undefined) {
      if (!NAME.test(given)) fail(`${where}.name must be letters, digits, . _ - @ / or spaces`);
      repository.name = given;
    }
    const remote = optionalText(item.remote, `${where}.remote`, fail);
    if (remote !== undefined) {
      if (!/^(https?:\/\/|git@|ssh:\/\/)/.test(remote)) {
        fail(`${where}.remote must be an https, ssh or git@ address`);
      }
      repository.remote = remote;
    }
    return repository;
  });
  const names = repositories.flatMap((r) => (r.name === undefined ? [] : [r.name]));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail(`two repositories are named \`${twice}\``);
  return name === undefined ? { repositories } : { name, repositories };
}

function optionalText(value: unknown, key: string, fail: (what: string) => never) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return fail(`\`${key}\` must be text`);
  return value.trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
