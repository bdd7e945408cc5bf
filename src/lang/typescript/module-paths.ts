// Relative import specifiers mapped to files of the workspace, the way Node and bundlers
// probe them. Only relative specifiers: packages are never read, the workspace is the limit.
import path from 'node:path';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts'];

/** The workspace path a relative specifier names, or undefined when none exists. */
export function resolveRelative(
  fromPath: string,
  specifier: string,
  exists: (candidate: string) => boolean,
): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.') {
    return undefined;
  }
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromPath), specifier));
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
  return specifier === '.' || specifier.startsWith('./') || specifier.startsWith('../');
}
