// Evidence links: the remote read from .git/config as text, turned into a web page per line.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRemoteLink, lineUrl, originUrl, webUrlOf } from '../../src/viewer/remote.js';

describe('webUrlOf', () => {
  it.each([
    ['git@github.com:acme/shop.git', 'https://github.com/acme/shop'],
    ['https://github.com/acme/shop.git', 'https://github.com/acme/shop'],
    ['https://user:token@gitlab.com/group/sub/shop.git', 'https://gitlab.com/group/sub/shop'],
    ['ssh://git@bitbucket.org/acme/shop.git', 'https://bitbucket.org/acme/shop'],
  ])('%s → %s', (remote, web) => {
    expect(webUrlOf(remote)).toBe(web);
  });

  it.each(['/srv/git/shop.git', 'file:///srv/git/shop', 'javascript:alert(1)', '../shop'])(
    'gives no page for %s',
    (remote) => {
      expect(webUrlOf(remote)).toBeNull();
    },
  );
});

describe('originUrl', () => {
  it('reads the url of the origin remote only', () => {
    const config = [
      '[core]',
      '\tbare = false',
      '[remote "upstream"]',
      '\turl = git@github.com:other/shop.git',
      '[remote "origin"]',
      '\turl = git@github.com:acme/shop.git',
    ].join('\n');
    expect(originUrl(config)).toBe('git@github.com:acme/shop.git');
    expect(originUrl('[core]\n')).toBeNull();
  });
});

describe('findRemoteLink', () => {
  it('links a line of a repository nested in a git work tree, at the checked-out branch', async () => {
    const top = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-remote-'));
    try {
      await mkdir(path.join(top, '.git'));
      await mkdir(path.join(top, 'services', 'shop'), { recursive: true });
      await writeFile(
        path.join(top, '.git', 'config'),
        '[remote "origin"]\n\turl = git@github.com:acme/mono.git\n',
      );
      await writeFile(path.join(top, '.git', 'HEAD'), 'ref: refs/heads/main\n');
      const link = await findRemoteLink(path.join(top, 'services', 'shop'), null);
      expect(link).not.toBeNull();
      if (!link) return;
      expect(lineUrl(link, 'src/a b.ts', 7)).toBe(
        'https://github.com/acme/mono/blob/main/services/shop/src/a%20b.ts#L7',
      );
      const pinned = await findRemoteLink(top, 'abc123');
      expect(pinned && lineUrl(pinned, 'x.ts', 1)).toBe(
        'https://github.com/acme/mono/blob/abc123/x.ts#L1',
      );
    } finally {
      await rm(top, { recursive: true, force: true });
    }
  });

  it('gives none when no .git holds a usable remote', async () => {
    const top = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-remote-'));
    try {
      await mkdir(path.join(top, '.git'));
      await writeFile(path.join(top, '.git', 'config'), '[remote "origin"]\n\turl = /srv/x.git\n');
      expect(await findRemoteLink(top, null)).toBeNull();
    } finally {
      await rm(top, { recursive: true, force: true });
    }
  });
});
