import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommit } from '../../src/scan/git.js';

const temp = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-git-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

function repo(name: string, files: Record<string, string>): string {
  const root = path.join(temp, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('readCommit, from .git files only', () => {
  it('follows HEAD to a loose branch ref', async () => {
    const root = repo('loose', {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/refs/heads/main': `${SHA}\n`,
    });
    expect(await readCommit(root)).toBe(SHA);
  });

  it('finds the branch in packed-refs', async () => {
    const root = repo('packed', {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/packed-refs': `# pack-refs with: peeled\n${OTHER} refs/heads/dev\n${SHA} refs/heads/main\n`,
    });
    expect(await readCommit(root)).toBe(SHA);
  });

  it('reads the branch of a linked worktree from the main .git', async () => {
    const main = repo('main-checkout', {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/refs/heads/main': `${OTHER}\n`,
      '.git/refs/heads/feature': `${SHA}\n`,
      '.git/worktrees/feature/HEAD': 'ref: refs/heads/feature\n',
      '.git/worktrees/feature/commondir': '../..\n',
    });
    const linked = repo('feature-checkout', {
      '.git': `gitdir: ${path.join(main, '.git', 'worktrees', 'feature')}\n`,
    });
    expect(await readCommit(linked)).toBe(SHA);
  });

  it('reads a detached HEAD', async () => {
    expect(await readCommit(repo('detached', { '.git/HEAD': `${SHA}\n` }))).toBe(SHA);
  });

  it('gives the commit of the repository holding a scanned subfolder', async () => {
    const root = repo('mono', {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/refs/heads/main': `${SHA}\n`,
      'services/orders/package.json': '{}',
    });
    expect(await readCommit(path.join(root, 'services', 'orders'))).toBe(SHA);
  });

  it('refuses refs that climb out of .git, and has no commit without one', async () => {
    const root = repo('hostile', { '.git/HEAD': 'ref: refs/../../../etc/passwd\n' });
    expect(await readCommit(root)).toBeNull();
  });
});
