// Relative and tsconfig-aliased import specifiers mapped to files of the workspace, the way
// Node and bundlers probe them. Packages are never read, the workspace is the limit.
import path from 'node:path';
import { ts } from 'ts-morph';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts'];

/** The workspace path a relative specifier names, or undefined when none exists. */
export function resolveRelative(
  fromPath: string,
  specifier: string,
  exists: (candidate: string) => boolean,
): string | undefined {
  if (!isRelativeSpecifier(specifier)) return undefined;
  // `../../` names a folder: normalize keeps its trailing slash, candidates add `/index.ts`.
  const joined = path.posix
    .normalize(path.posix.join(path.posix.dirname(fromPath), specifier))
    .replace(/\/$/, '');
  if (joined.startsWith('..')) return undefined;
  for (const candidate of candidatesOf(joined)) {
    if (exists(candidate)) return candidate;
  }
  return undefined;
}

function candidatesOf(base: string): string[] {
  const candidates = [base];
  // TypeScript sources written for NodeNext import './kafka.js' and mean './kafka.ts'.
  const extension = path.posix.extname(base);
  const stem = extension ? base.slice(0, -extension.length) : base;
  if (extension === '.js' || extension === '.jsx' || extension === '.mjs' || extension === '.cjs') {
    candidates.push(`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`);
  }
  for (const ext of SOURCE_EXTENSIONS) candidates.push(`${base}${ext}`);
  for (const ext of SOURCE_EXTENSIONS) candidates.push(`${base}/index${ext}`);
  return candidates;
}

export function isRelativeSpecifier(specifier: string): boolean {
  return (
    specifier === '.' ||
    specifier === '..' ||
    specifier.startsWith('./') ||
    specifier.startsWith('../')
  );
}

/** `compilerOptions.paths` of a tsconfig: `@server/*` -> `server/*`, relative to the root. */
export interface PathAliases {
  entries: { pattern: string; targets: string[] }[];
}

/**
 * The path aliases of a tsconfig.json or jsconfig.json at the workspace root (comments and
 * trailing commas allowed). `extends` is not followed: only the file's own paths count.
 */
export function parsePathAliases(text: string): PathAliases | undefined {
  const { config } = ts.parseConfigFileTextToJson('tsconfig.json', text) as { config?: unknown };
  const options = (config as { compilerOptions?: Record<string, unknown> } | undefined)
    ?.compilerOptions;
  const paths = options?.paths;
  if (!paths || typeof paths !== 'object') return undefined;
  const baseUrl = typeof options.baseUrl === 'string' ? options.baseUrl : '.';
  const entries = Object.entries(paths as Record<string, unknown>).flatMap(([pattern, value]) => {
    if (!Array.isArray(value)) return [];
    const targets = value
      .filter((t): t is string => typeof t === 'string')
      .map((t) => path.posix.normalize(path.posix.join(baseUrl, t)));
    return [{ pattern, targets }];
  });
  return entries.length > 0 ? { entries } : undefined;
}

/** The workspace path a relative or aliased specifier names, or undefined. */
export function resolveSpecifier(
  fromPath: string,
  specifier: string,
  exists: (candidate: string) => boolean,
  aliases: PathAliases | undefined,
): string | undefined {
  if (isRelativeSpecifier(specifier)) return resolveRelative(fromPath, specifier, exists);
  for (const { pattern, targets } of aliases?.entries ?? []) {
    const star = pattern.indexOf('*');
    const prefix = star === -1 ? pattern : pattern.slice(0, star);
    const suffix = star === -1 ? '' : pattern.slice(star + 1);
    const matches =
      star === -1
        ? specifier === pattern
        : specifier.startsWith(prefix) &&
          specifier.endsWith(suffix) &&
          specifier.length >= prefix.length + suffix.length;
    if (!matches) continue;
    const captured =
      star === -1 ? '' : specifier.slice(prefix.length, specifier.length - suffix.length);
    for (const target of targets) {
      const base = target.replace('*', captured);
      if (base.startsWith('..') || base.includes('node_modules')) continue;
      for (const candidate of candidatesOf(base)) {
        if (exists(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

/** `compilerOptions.paths` of the repository's root tsconfig.json, as workspace paths. */
export interface PathAlias {
  prefix: string;
  suffix: string;
  /** Workspace paths with one '*' each (or none for an exact alias). */
  targets: string[];
}

/**
 * Aliases such as `"@/*": ["src/*"]` that code imports project files by. Only the root
 * tsconfig.json is read; a package's own tsconfig and `extends` are not followed yet.
 */
export function readPathAliases(read: (path: string) => string | undefined): PathAlias[] {
  const text = read('tsconfig.json');
  if (text === undefined) return [];
  const parsed = ts.parseConfigFileTextToJson('tsconfig.json', text).config as unknown;
  const options = (parsed as { compilerOptions?: unknown } | undefined)?.compilerOptions;
  if (typeof options !== 'object' || options === null) return [];
  const { baseUrl, paths } = options as { baseUrl?: unknown; paths?: unknown };
  if (typeof paths !== 'object' || paths === null) return [];
  const base = typeof baseUrl === 'string' ? baseUrl : '.';
  const aliases: PathAlias[] = [];
  for (const [pattern, targets] of Object.entries(paths)) {
    if (!Array.isArray(targets)) continue;
    const [prefix = '', suffix = ''] = pattern.split('*');
    const workspaceTargets = targets
      .filter((t): t is string => typeof t === 'string')
      .map((t) => path.posix.normalize(path.posix.join(base, t)))
      .filter((t) => !t.startsWith('..'));
    aliases.push({
      prefix,
      suffix: pattern.includes('*') ? suffix : '',
      targets: workspaceTargets,
    });
  }
  return aliases;
}

/** The workspace path a relative or aliased specifier names, or undefined. */
export function resolveModule(
  fromPath: string,
  specifier: string,
  exists: (candidate: string) => boolean,
  aliases: readonly PathAlias[] = [],
): string | undefined {
  if (isRelativeSpecifier(specifier)) return resolveRelative(fromPath, specifier, exists);
  for (const alias of aliases) {
    const exact = !alias.targets.some((t) => t.includes('*'));
    const matches = exact
      ? specifier === alias.prefix
      : specifier.startsWith(alias.prefix) && specifier.endsWith(alias.suffix);
    if (!matches) continue;
    const star = specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length);
    for (const target of alias.targets) {
      for (const candidate of candidatesOf(target.replace('*', star))) {
        if (exists(candidate)) return candidate;
      }
    }
  }
  return undefined;
}
