// The commit a repository is at, read from .git files. No git process runs: a scanned
// repository's git configuration could name programs to execute.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const SHA = /^[0-9a-f]{40}$/;

export async function readCommit(root: string): Promise<string | null> {
  const gitDir = await findGitDir(root);
  if (!gitDir) return null;
  const head = (await readOrNull(path.join(gitDir, 'HEAD')))?.trim();
  if (!head) return null;
  if (SHA.test(head)) return head;
  const refName = /^ref: (refs\/[\w./-]+)$/.exec(head)?.[1];
  if (!refName || refName.includes('..')) return null;
  // A linked worktree keeps its HEAD but shares branches with the main .git (`commondir`).
  const common = (await readOrNull(path.join(gitDir, 'commondir')))?.trim();
  const folders = common ? [gitDir, path.resolve(gitDir, common)] : [gitDir];
  for (const folder of folders) {
    const loose = (await readOrNull(path.join(folder, refName)))?.trim();
    if (loose && SHA.test(loose)) return loose;
    const packed = await readOrNull(path.join(folder, 'packed-refs'));
    for (const line of packed?.split('\n') ?? []) {
      const [sha, name] = line.trim().split(' ');
      if (name === refName && sha && SHA.test(sha)) return sha;
    }
  }
  return null;
}

/** The .git folder of the repository holding root: root itself or a folder above it. */
async function findGitDir(root: string): Promise<string | null> {
  for (let folder = path.resolve(root); ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, '.git');
    try {
      const info = await stat(candidate);
      if (info.isDirectory()) return candidate;
      const pointer = /^gitdir: (.+)$/m.exec((await readFile(candidate, 'utf8')).trim())?.[1];
      return pointer ? path.resolve(folder, pointer) : null;
    } catch {
      if (path.dirname(folder) === folder) return null;
    }
  }
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}
