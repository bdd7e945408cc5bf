// Checks the paths a user gave before any work starts, so a typo costs one clear line.
import { access, constants, stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';

export async function checkRepositoryPaths(paths: readonly string[]): Promise<void> {
  if (paths.length === 0) {
    throw new UsageError('no repository path given', 'run: eventgraph scan <path...>');
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
