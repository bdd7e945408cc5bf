// Manifests: package.json, requirements*.txt and pyproject.toml. They mark the deployable
// units (services) and list declared clients. A declared dependency alone is never a
// finding; it only supports what code was seen doing.
// Docs: https://docs.npmjs.com/cli/configuring-npm/package-json
//       https://pip.pypa.io/en/stable/reference/requirements-file-format/
//       https://packaging.python.org/en/latest/specifications/pyproject-toml/
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { messageOf } from '../../errors.js';

export interface Manifest {
  /** Relative path of the manifest file. */
  path: string;
  /** Folder the manifest describes, relative ('' for the root). */
  directory: string;
  /** Declared project name, when the manifest gives one. */
  name: string | null;
  dependencies: string[];
  /** Lines where each dependency is declared, 1-based. */
  dependencyLines: Record<string, number>;
}

export type ManifestResult = { manifest: Manifest } | { error: string };

export function readManifest(relativePath: string, text: string): ManifestResult {
  const base = path.posix.basename(relativePath);
  const directory =
    path.posix.dirname(relativePath) === '.' ? '' : path.posix.dirname(relativePath);
  try {
    if (base === 'package.json')
      return { manifest: fromPackageJson(relativePath, directory, text) };
    if (base === 'pyproject.toml')
      return { manifest: fromPyproject(relativePath, directory, text) };
    return { manifest: fromRequirements(relativePath, directory, text) };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

function fromPackageJson(file: string, directory: string, text: string): Manifest {
  const data = JSON.parse(text) as Record<string, unknown>;
  const dependencies = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    const block = data[field];
    if (block && typeof block === 'object')
      for (const key of Object.keys(block)) dependencies.add(key);
  }
  const list = [...dependencies].sort();
  return {
    path: file,
    directory,
    name: typeof data.name === 'string' ? data.name : null,
    dependencies: list,
    dependencyLines: Object.fromEntries(list.map((d) => [d, lineOf(text, `"${d}"`)])),
  };
}

const REQUIREMENT_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?/;

export function normalizePythonPackage(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function fromRequirements(file: string, directory: string, text: string): Manifest {
  const lines: Record<string, number> = {};
  text.split('\n').forEach((line, index) => {
    const trimmed = line.replace(/#.*/, '').trim();
    if (!trimmed || trimmed.startsWith('-')) return;
    const match = REQUIREMENT_NAME.exec(trimmed);
    if (match?.[1]) lines[normalizePythonPackage(match[1])] ??= index + 1;
  });
  return {
    path: file,
    directory,
    name: null,
    dependencies: Object.keys(lines).sort(),
    dependencyLines: lines,
  };
}

function fromPyproject(file: string, directory: string, text: string): Manifest {
  const data = parseToml(text) as Record<string, unknown>;
  const project = (data.project ?? {}) as Record<string, unknown>;
  const poetry = ((data.tool as Record<string, unknown> | undefined)?.poetry ?? {}) as Record<
    string,
    unknown
  >;
  const names = new Set<string>();
  for (const spec of Array.isArray(project.dependencies) ? project.dependencies : []) {
    const match = typeof spec === 'string' ? REQUIREMENT_NAME.exec(spec) : null;
    if (match?.[1]) names.add(normalizePythonPackage(match[1]));
  }
  const poetryDeps = poetry.dependencies;
  if (poetryDeps && typeof poetryDeps === 'object') {
    for (const key of Object.keys(poetryDeps))
      if (key !== 'python') names.add(normalizePythonPackage(key));
  }
  const list = [...names].sort();
  const name =
    typeof project.name === 'string'
      ? project.name
      : typeof poetry.name === 'string'
        ? poetry.name
        : null;
  return {
    path: file,
    directory,
    name,
    dependencies: list,
    dependencyLines: Object.fromEntries(list.map((d) => [d, lineOf(text, d)])),
  };
}
