// Links from evidence to the repository's web page. The remote comes from `.git/config`, read
// as text: the scanned repository is never asked to run anything, git included.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteLink } from './viewer-data.js';

export type { RemoteLink } from './viewer-data.js';

/** `remote.origin.url` of the git repository holding `root`, looked up from `root` upwards. */
export async function findRemoteLink(
  root: string,
  commit: string | null,
  remote?: string,
): Promise<RemoteLink | null> {
  const found = await findGitFolder(path.resolve(root));
  if (!found && remote === undefined) return null;
  const config = found ? await readText(path.join(found.gitFolder, 'config')) : null;
  const url = remote ?? (config === null ? null : originUrl(config));
  const web = url === null ? null : webUrlOf(url);
  if (web === null) return null;

  const ref = commit ?? (found ? await headRef(found.gitFolder) : null) ?? 'HEAD';
  const prefix = found
    ? path.relative(found.workTree, path.resolve(root)).split(path.sep).join('/')
    : '';
  const inside = prefix === '' ? '' : `${prefix.split('/').map(encodeURIComponent).join('/')}/`;
  const host = new URL(web).hostname;
  const encodedRef = encodeURIComponent(ref);
  if (host.includes('bitbucket')) {
    return { web, blobBase: `${web}/src/${encodedRef}/${inside}`, lineAnchor: '#lines-' };
  }
  const blob = host.includes('gitlab') ? '-/blob' : 'blob';
  return { web, blobBase: `${web}/${blob}/${encodedRef}/${inside}`, lineAnchor: '#L' };
}

/** The URL of one line, with each path segment encoded. */
export function lineUrl(link: RemoteLink, file: string, line: number): string {
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return `${link.blobBase}${encoded}${link.lineAnchor}${String(line)}`;
}

/** The `url` under `[remote "origin"]`, or null. */
export function originUrl(config: string): string | null {
  let inOrigin = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inOrigin = /^\[remote\s+"origin"\]$/.test(line);
      continue;
    }
    const match = /^url\s*=\s*(.+)$/.exec(line);
    if (inOrigin && match?.[1] !== undefined) return match[1].trim().replace(/^"(.*)"$/, '$1');
  }
  return null;
}

/**
 * The https page of a remote: scp-like `git@host:owner/name.git`, ssh:// and http(s) URLs.
 * Credentials are dropped; anything else (file paths, unknown schemes) gives null.
 */
export function webUrlOf(remote: string): string | null {
  const scpLike = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)([\w.~/-]+?)(?:\.git)?\/?$/.exec(remote);
  if (scpLike?.[1] !== undefined && scpLike[2] !== undefined) {
    return `https://${scpLike[1]}/${scpLike[2].replace(/^\/+/, '')}`;
  }
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    return null;
  }
  if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:'].includes(url.protocol)) return null;
  const pathname = url.pathname.replace(/\.git\/?$/, '').replace(/\/+$/, '');
  if (pathname === '' || !/^[\w.~/-]+$/.test(pathname)) return null;
  return `https://${url.hostname}${pathname}`;
}

async function findGitFolder(
  start: string,
): Promise<{ gitFolder: string; workTree: string } | null> {
  let folder = start;
  for (;;) {
    const dotGit = path.join(folder, '.git');
    const info = await stat(dotGit).catch(() => null);
    if (info?.isDirectory()) return { gitFolder: dotGit, workTree: folder };
    if (info?.isFile()) {
      // A worktree or submodule: `.git` names the real folder; its config is in commondir.
      const pointer = /^gitdir:\s*(.+)$/m.exec((await readText(dotGit)) ?? '')?.[1]?.trim();
      if (pointer === undefined) return null;
      const gitFolder = path.resolve(folder, pointer);
      const common = (await readText(path.join(gitFolder, 'commondir')))?.trim();
      return { gitFolder: common ? path.resolve(gitFolder, common) : gitFolder, workTree: folder };
    }
    const parent = path.dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

async function headRef(gitFolder: string): Promise<string | null> {
  const head = (await readText(path.join(gitFolder, 'HEAD')))?.trim() ?? '';
  const branch = /^ref:\s*refs\/heads\/(.+)$/.exec(head)?.[1];
  if (branch !== undefined) return branch;
  return /^[0-9a-f]{40}$/.test(head) ? head : null;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}
