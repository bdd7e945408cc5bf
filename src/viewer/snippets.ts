// Source lines around a piece of evidence. The request comes from a browser, so the path is
// untrusted: only a relative path of plain segments, resolved inside a scanned repository's
// root with no symlink on the way, is read (the scan never follows symlinks either).
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { redact } from '../report/redact.js';
import type { Snippet } from './viewer-data.js';

export type { Snippet } from './viewer-data.js';

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_CONTEXT = 20;

export interface SnippetRequest {
  repository: string;
  file: string;
  line: number;
  /** Lines shown before and after the line; default 3. */
  context?: number;
}

export type SnippetProblem = 'bad-request' | 'outside' | 'not-found';

export class SnippetError extends Error {
  constructor(
    readonly problem: SnippetProblem,
    message: string,
  ) {
    super(message);
    this.name = 'SnippetError';
  }
}

/** Reads the lines around `file:line` of a repository whose root is in `roots`. */
export async function readSnippet(
  roots: ReadonlyMap<string, string>,
  request: SnippetRequest,
): Promise<Snippet> {
  const root = roots.get(request.repository);
  if (root === undefined) throw new SnippetError('not-found', 'unknown repository');
  if (!Number.isInteger(request.line) || request.line < 1) {
    throw new SnippetError('bad-request', 'line must be a 1-based integer');
  }
  const segments = safeSegments(request.file);

  const realRoot = await realpath(root).catch(() => null);
  if (realRoot === null) throw new SnippetError('not-found', 'repository root is missing');
  const candidate = path.join(realRoot, ...segments);
  const real = await realpath(candidate).catch(() => null);
  if (real === null) throw new SnippetError('not-found', 'no such file');
  if (real !== candidate) throw new SnippetError('outside', 'the path goes through a symlink');
  const info = await stat(real);
  if (!info.isFile()) throw new SnippetError('not-found', 'not a file');
  if (info.size > MAX_FILE_BYTES) throw new SnippetError('not-found', 'file too large to show');

  const all = (await readFile(real, 'utf8')).split(/\r?\n/);
  if (request.line > all.length) throw new SnippetError('not-found', 'line past the end of file');
  const context = Math.min(Math.max(Math.trunc(request.context ?? 3), 0), MAX_CONTEXT);
  const start = Math.max(1, request.line - context);
  const end = Math.min(all.length, request.line + context);
  return {
    repository: request.repository,
    file: request.file,
    line: request.line,
    start,
    // Source lines are output like any other: a connection string's password never leaves.
    lines: all.slice(start - 1, end).map(redact),
  };
}

/** The segments of a relative '/' path; refuses absolute paths, '..', '.', empty and '\'. */
export function safeSegments(file: string): string[] {
  if (file === '' || file.includes('\0') || file.includes('\\')) {
    throw new SnippetError('outside', 'not a relative path inside the repository');
  }
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) {
    throw new SnippetError('outside', 'absolute paths are refused');
  }
  const segments = file.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new SnippetError('outside', 'the path leaves the repository');
  }
  return segments;
}
