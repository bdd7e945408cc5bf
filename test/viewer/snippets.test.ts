// Source lines for the evidence panel: only plain relative paths, resolved inside the
// repository with no symlink on the way.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnippet, safeSegments } from '../../src/viewer/snippets.js';

let temp: string;
let roots: Map<string, string>;

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-snippets-'));
  const root = path.join(temp, 'repo');
  await mkdir(path.join(root, 'src'), { recursive: true });
  await writeFile(
    path.join(root, 'src', 'a.ts'),
    ['one', 'two', 'three', 'four', 'five'].join('\n'),
  );
  await writeFile(
    path.join(root, 'src', 'amqp.ts'),
    "const url = 'amqp://orders:s3cret@rabbit:5672/shop';\nawait amqp.connect(url);\n",
  );
  await writeFile(path.join(temp, 'secret.txt'), 'secret\n');
  await symlink(path.join(temp, 'secret.txt'), path.join(root, 'src', 'link.ts'));
  await symlink(path.join(root, 'src'), path.join(root, 'alias'));
  roots = new Map([['repo', root]]);
});

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('readSnippet', () => {
  it('returns the lines around the line, clamped to the file', async () => {
    const snippet = await readSnippet(roots, {
      repository: 'repo',
      file: 'src/a.ts',
      line: 2,
      context: 2,
    });
    expect(snippet).toEqual({
      repository: 'repo',
      file: 'src/a.ts',
      line: 2,
      start: 1,
      lines: ['one', 'two', 'three', 'four'],
    });
  });

  it('never shows the password of a connection string in the source lines', async () => {
    const snippet = await readSnippet(roots, { repository: 'repo', file: 'src/amqp.ts', line: 2 });
    expect(snippet.lines).toEqual([
      "const url = 'amqp://orders:***@rabbit:5672/shop';",
      'await amqp.connect(url);',
      '',
    ]);
  });

  it.each([
    ['a symlinked file, even one pointing inside', 'src/link.ts', 'outside'],
    ['a path through a symlinked folder', 'alias/a.ts', 'outside'],
    ['..', '../secret.txt', 'outside'],
    ['a missing file', 'src/b.ts', 'not-found'],
  ])('refuses %s', async (_what, file, problem) => {
    await expect(readSnippet(roots, { repository: 'repo', file, line: 1 })).rejects.toMatchObject({
      problem,
    });
  });
});

describe('safeSegments', () => {
  it.each(['/etc/passwd', 'C:/x', 'a/../b', './a', 'a//b', 'a\\b', '', 'a\u0000b'])(
    'refuses %j',
    (file) => {
      expect(() => safeSegments(file)).toThrow();
    },
  );

  it('splits a plain relative path', () => {
    expect(safeSegments('src/a.ts')).toEqual(['src', 'a.ts']);
  });
});
