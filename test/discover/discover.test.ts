import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeSource,
  discover,
  isTestOrDocsPath,
  languageOf,
} from '../../src/discover/discover.js';

const temp = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-discover-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string | Buffer>): string {
  const root = path.join(temp, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe('discover', () => {
  it('honours .gitignore and never reads dependencies or build output', async () => {
    const root = tree('ignored', {
      '.gitignore': 'generated/\n*.local.ts\n',
      'src/app.ts': 'export {}',
      'src/settings.local.ts': 'export {}',
      'generated/client.ts': 'export {}',
      'node_modules/kafkajs/index.js': 'module.exports = {}',
      'dist/app.js': '',
      'web/vendor/lib.js': '',
      'app/__pycache__/x.py': '',
      'src/types.d.ts': '',
      'public/app.min.js': '',
    });
    const found = await discover(root);
    expect(found.files.map((f) => f.path)).toEqual(['src/app.ts']);
    expect(found.skipped).toEqual([]);
  });

  it('skips tests, docs and fixtures unless asked, and says so', async () => {
    const root = tree('tests', {
      'src/worker.py': 'x = 1',
      'tests/test_worker.py': '',
      'src/worker_test.py': '',
      'src/conftest.py': '',
      'src/queue.spec.ts': '',
      'src/__tests__/queue.ts': '',
      'e2e/flow.ts': '',
      'docs/example.py': '',
    });
    const plain = await discover(root);
    expect(plain.files.map((f) => f.path)).toEqual(['src/worker.py']);
    expect(plain.skipped.map((s) => `${s.path}: ${s.reason}`).sort()).toEqual([
      'docs/example.py: test or docs',
      'e2e/flow.ts: test or docs',
      'src/__tests__/queue.ts: test or docs',
      'src/conftest.py: test or docs',
      'src/queue.spec.ts: test or docs',
      'src/worker_test.py: test or docs',
      'tests/test_worker.py: test or docs',
    ]);
    const all = await discover(root, { includeTests: true });
    expect(all.files).toHaveLength(8);
  });

  it('applies --include and --exclude globs', async () => {
    const root = tree('globs', { 'a/x.ts': '', 'b/y.ts': '', 'b/z.py': '' });
    expect((await discover(root, { include: ['b/**'] })).files.map((f) => f.path)).toEqual([
      'b/y.ts',
      'b/z.py',
    ]);
    expect((await discover(root, { exclude: ['**/*.py'] })).files.map((f) => f.path)).toEqual([
      'a/x.ts',
      'b/y.ts',
    ]);
  });

  it('does not follow symlinks, so a loop cannot hang the scan', async () => {
    const root = tree('links', { 'src/a.ts': 'export const a = 1' });
    symlinkSync(root, path.join(root, 'src', 'loop'));
    symlinkSync(path.join(root, 'src', 'a.ts'), path.join(root, 'src', 'b.ts'));
    const found = await discover(root);
    expect(found.files.map((f) => f.path)).toEqual(['src/a.ts']);
    expect(found.skipped).toEqual([{ path: 'src/b.ts', reason: 'symlink not followed' }]);
  });

  it('skips files over 1 MiB, binary and non-UTF-8 files with their reason', async () => {
    const root = tree('bad', {
      'big.ts': 'x'.repeat(1024 * 1024 + 1),
      'bin.py': Buffer.from([0x70, 0x00, 0x01]),
      'latin.py': Buffer.from('name = "caf\xe9"\n', 'latin1'),
    });
    const found = await discover(root);
    expect(found.files).toEqual([]);
    expect(found.skipped).toEqual([
      { path: 'big.ts', reason: 'larger than 1 MiB' },
      { path: 'bin.py', reason: 'binary' },
      { path: 'latin.py', reason: 'not UTF-8' },
    ]);
  });
});

describe('file classification', () => {
  it('knows the languages eventgraph reads', () => {
    expect(languageOf('a/b.mts')).toBe('typescript');
    expect(languageOf('a/b.jsx')).toBe('typescript');
    expect(languageOf('svc/requirements-dev.txt')).toBe('manifest');
    expect(languageOf('pyproject.toml')).toBe('manifest');
    expect(languageOf('stubs/x.pyi')).toBeUndefined();
    expect(languageOf('README.md')).toBeUndefined();
  });

  it('tells test and docs paths from code', () => {
    expect(isTestOrDocsPath('src/test_utils.py')).toBe(true);
    expect(isTestOrDocsPath('src/testing_helpers.py')).toBe(false);
    expect(isTestOrDocsPath('src/contest.py')).toBe(false);
    expect(isTestOrDocsPath('app/latest/worker.ts')).toBe(false);
  });

  it('recognises minified bundles by their line shape', () => {
    const bundle = `${'var a=1;'.repeat(400)}\n`.repeat(3);
    expect(decodeSource(Buffer.from(bundle))).toEqual({ reason: 'minified' });
    expect(decodeSource(Buffer.from('\ufeffconst a = 1;\n'))).toEqual({ text: 'const a = 1;\n' });
  });
});
