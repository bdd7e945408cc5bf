// Checks the paths a user gave before any work starts, so a typo costs one clear line.
import { access, constants, mkdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

export async function checkRepositoryPaths(paths: readonly string[]): Promise<void> {
  if (paths.length === 0) {
    throw new UsageError(
      'no repository path given',
      'run: eventgraph scan <path...> or eventgraph scan --system eventgraph.yaml',
    );
  }
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new UsageError(`path not found: ${p}`, 'give the folder of a repository to scan');
    }
    if (!info.isDirectory()) {
      throw new UsageError(`not a folder: ${p}`, 'give the folder of a repository, not a file');
    }
    try {
      await access(p, constants.R_OK | constants.X_OK);
    } catch {
      throw new UsageError(`cannot read folder: ${p}`, 'check its permissions');
    }
  }
}

/** Refuses the same repository given twice, which would double every node it holds. */
export async function checkDistinctRepositories(paths: readonly string[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const p of paths) {
    const real = await realpath(p);
    const earlier = seen.get(real);
    if (earlier !== undefined) {
      throw new UsageError(
        `the same repository is given twice: ${earlier} and ${p}`,
        'give it once',
      );
    }
    seen.set(real, p);
  }
}

/** Refuses two outputs written to one file, where the second would silently replace the first. */
export function checkDistinctOutputs(outputs: readonly { flag: string; file: string }[]): void {
  for (const [index, output] of outputs.entries()) {
    const clash = outputs
      .slice(index + 1)
      .find((o) => path.resolve(o.file) === path.resolve(output.file));
    if (clash) {
      throw new UsageError(
        `${output.flag} and ${clash.flag} name the same file: ${output.file}`,
        'give each output its own file',
      );
    }
  }
}

/**
 * Creates an output folder one level at a time. Node's recursive mkdir never returns on
 * some virtual file systems (/proc); one level at a time, a refusal is an answer.
 */
export async function prepareOutputFolder(folder: string): Promise<void> {
  const absolute = path.resolve(folder);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    const info = await stat(current).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) throw cannotWrite(folder, `${current} is not a folder`);
      break;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw cannotWrite(folder, FILE_ERRORS[code ?? ''] ?? String(error));
    }
  }
  try {
    await access(absolute, constants.W_OK);
  } catch {
    throw cannotWrite(folder, 'permission denied');
  }
}

/** Makes sure an output file can be written: its folder exists and it is not a folder. */
export async function prepareOutputFile(file: string): Promise<void> {
  const folder = path.dirname(path.resolve(file));
  await prepareOutputFolder(folder);
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw cannotWrite(file, 'it is a folder');
  // Some folders (under /proc) pass every check yet take no new file: try one.
  const probe = path.join(folder, `.eventgraph-write-check-${String(process.pid)}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code !== 'EEXIST') throw cannotWrite(file, FILE_ERRORS[code] ?? code);
  }
  await rm(probe, { force: true });
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'nothing can be created there',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left',
  ENOTDIR: 'a parent is not a folder',
};

function cannotWrite(target: string, why: string): UsageError {
  return new UsageError(
    `cannot write to ${target} (${why})`,
    'choose another --out, --report, --json or --html',
  );
}
