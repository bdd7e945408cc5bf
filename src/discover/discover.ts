// Step 1: find the files of a repository worth reading. Git-aware (honours .gitignore),
// never follows symlinks (no loops), and says why each skipped file was skipped.
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { globby } from 'globby';
import createDebug from 'debug';
import type { Language } from '../extractors/contract.js';

const debug = createDebug('eventgraph:discover');

export const MAX_FILE_BYTES = 1024 * 1024;

/** Folders that hold dependencies, build output or tool state, never a repository's own code. */
const ALWAYS_IGNORED = [
  '**/.git/**',
  '**/node_modules/**',
  '**/bower_components/**',
  '**/vendor/**',
  '**/third_party/**',
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/target/**',
  '**/coverage/**',
  '**/.next/**',
  '**/.nuxt/**',
  '**/.turbo/**',
  '**/.cache/**',
  '**/__pycache__/**',
  '**/.venv/**',
  '**/venv/**',
  '**/site-packages/**',
  '**/.tox/**',
  '**/.mypy_cache/**',
  '**/.eventgraph/**',
  '**/*.d.ts',
  '**/*.min.js',
  '**/*.min.mjs',
  '**/*.bundle.js',
];

/** Test code, docs and fixtures: not the repository's architecture. */
const TEST_OR_DOCS_SEGMENTS = new Set([
  'test',
  'tests',
  'spec',
  'specs',
  '__tests__',
  '__mocks__',
  'e2e',
  'docs',
  'doc',
  'fixtures',
  'cypress',
  'testing',
]);
const TEST_FILE_NAME =
  /(\.(test|spec|cy)\.[cm]?[jt]sx?$)|(_test\.py$)|(^test_.*\.py$)|(^conftest\.py$)/;

export type SkipReason =
  | 'test or docs'
  | 'larger than 1 MiB'
  | 'binary'
  | 'not UTF-8'
  | 'minified'
  | 'symlink not followed'
  | 'unreadable';

export interface DiscoveredFile {
  /** Relative to the repository root, with '/'. */
  path: string;
  language: Language;
  text: string;
}

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail?: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  skipped: SkippedFile[];
}

export interface DiscoverOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  includeTests?: boolean;
}

export function languageOf(relativePath: string): Language | undefined {
  const base = path.posix.basename(relativePath);
  if (base === 'package.json' || base === 'pyproject.toml') return 'manifest';
  if (/^requirements[\w.-]*\.txt$/.test(base)) return 'manifest';
  if (isDeploymentConfig(relativePath, base)) return 'config';
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(base)) return 'typescript';
  if (/\.pyi?$/.test(base)) return base.endsWith('.pyi') ? undefined : 'python';
  return undefined;
}

/** Lock files and CI definitions are YAML too, but never describe what a system deploys. */
const NOT_DEPLOYMENT_YAML = /(^|\/)(\.github|\.gitlab|\.circleci)\/|(^|\/)[^/]*lock\.ya?ml$/;

const CONTRACT_FOLDER = /(^|\/)(asyncapi|avro|contracts?|events?|messages?|schemas?)\//i;

/**
 * Deployment configuration: compose files, Procfiles, crontabs, Terraform, and YAML the config
 * frontend sorts by content (Kubernetes, CloudFormation / SAM, serverless.yml, Helm).
 */
function isDeploymentConfig(relativePath: string, base: string): boolean {
  if (/^Procfile([.-][\w.-]+)?$/.test(base)) return true;
  if (base === 'crontab' || /\.(crontab|cron)$/.test(base)) return true;
  if (/(^|\/)cron\.d\/[^/]+$/.test(relativePath)) return true;
  if (/\.tf$/.test(base)) return true;
  if (isContractFile(relativePath, base)) return true;
  return /\.ya?ml$/.test(base) && !NOT_DEPLOYMENT_YAML.test(relativePath);
}

/** Event contracts: Avro schemas, and JSON where contracts live (AsyncAPI, event schemas). */
function isContractFile(relativePath: string, base: string): boolean {
  if (base.endsWith('.avsc')) return true;
  if (!base.endsWith('.json') || /lock\.json$/.test(base)) return false;
  return /asyncapi/i.test(base) || CONTRACT_FOLDER.test(relativePath);
}

export function isTestOrDocsPath(relativePath: string): boolean {
  const segments = relativePath.split('/');
  const base = segments.pop() ?? '';
  return (
    segments.some((s) => TEST_OR_DOCS_SEGMENTS.has(s.toLowerCase())) || TEST_FILE_NAME.test(base)
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a file's bytes, or says why the file is not text we read. */
export function decodeSource(bytes: Uint8Array): { text: string } | { reason: SkipReason } {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return { reason: 'binary' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'not UTF-8' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (looksMinified(text)) return { reason: 'minified' };
  return { text };
}

function looksMinified(text: string): boolean {
  if (text.length < 2000) return false;
  const lines = text.split('\n');
  const longest = lines.reduce((max, line) => Math.max(max, line.length), 0);
  return longest > 1000 && text.length / lines.length > 300;
}

export async function discover(root: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const patterns = options.include?.length ? [...options.include] : ['**/*'];
  const candidates = await globby(patterns, {
    cwd: root,
    dot: true,
    gitignore: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    ignore: [...ALWAYS_IGNORED, ...(options.exclude ?? [])],
    suppressErrors: true,
  });
  candidates.sort();
  debug('%d candidate paths under %s', candidates.length, root);

  const files: DiscoveredFile[] = [];
  const skipped: SkippedFile[] = [];
  const realRoot = await realpath(root);
  for (const relativePath of candidates) {
    const language = languageOf(relativePath);
    if (!language) continue;
    if (!options.includeTests && isTestOrDocsPath(relativePath)) {
      skipped.push({ path: relativePath, reason: 'test or docs' });
      continue;
    }
    const outcome = await readCandidate(realRoot, relativePath);
    if ('reason' in outcome) skipped.push({ path: relativePath, ...outcome });
    else files.push({ path: relativePath, language, text: outcome.text });
  }
  return { files, skipped };
}

async function readCandidate(
  root: string,
  relativePath: string,
): Promise<{ text: string } | { reason: SkipReason; detail?: string }> {
  const absolute = path.join(root, relativePath);
  try {
    const link = await lstat(absolute);
    if (link.isSymbolicLink()) return { reason: 'symlink not followed' };
    if (!link.isFile()) return { reason: 'unreadable', detail: 'not a regular file' };
    const info = await stat(absolute);
    if (info.size > MAX_FILE_BYTES) return { reason: 'larger than 1 MiB' };
    return decodeSource(await readFile(absolute));
  } catch (error) {
    return { reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}
