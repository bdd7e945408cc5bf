import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES } from '../helpers/scan-fixture.js';

const temp = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('eventgraph scan: usage errors', () => {
  it('exits 2 with one line for a missing path', () => {
    const run = runCli(['scan', path.join(temp, 'nope'), '--out', temp]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `eventgraph: path not found: ${path.join(temp, 'nope')}; give the folder of a repository to scan\n`,
    );
  });

  it('exits 2 for a file given instead of a folder', () => {
    const file = path.join(temp, 'file.txt');
    writeFileSync(file, 'x');
    const run = runCli(['scan', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `eventgraph: not a folder: ${file}; give the folder of a repository, not a file\n`,
    );
  });

  it('exits 2 for an unknown option', () => {
    const run = runCli(['scan', '.', '--frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "eventgraph: unknown option '--frobnicate' (see: eventgraph scan --help)\n",
    );
  });

  it('exits 2 for an unknown command', () => {
    const run = runCli(['scna', '.']);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toContain("unknown command 'scna'");
  });

  it('exits 2 when no path is given', () => {
    const run = runCli(['scan']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'eventgraph: no repository path given; ' +
        'run: eventgraph scan <path...> or eventgraph scan --system eventgraph.yaml\n',
    );
  });
});

describe('eventgraph scan: the negative fixture', () => {
  it('writes exactly "no event-driven patterns" for a repository full of traps', () => {
    const out = path.join(temp, 'negative');
    const run = runCli(['scan', path.join(FIXTURES, 'negative-traps'), '--out', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(readFileSync(path.join(out, 'eventgraph-report.md'), 'utf8').trim()).toBe(
      'no event-driven patterns',
    );
    const exported = JSON.parse(readFileSync(path.join(out, 'eventgraph-graph.json'), 'utf8')) as {
      verdict: string;
      nodes: unknown[];
    };
    expect(exported.verdict).toBe('none');
  });
});

describe('eventgraph scan: notes on what manifests declare', () => {
  it('says which declared clients were never used and which libraries it does not read', () => {
    const out = path.join(temp, 'notes');
    const fixture = path.join(temp, 'declared-only');
    mkdirSync(fixture, { recursive: true });
    writeFileSync(
      path.join(fixture, 'package.json'),
      JSON.stringify({
        name: 'api',
        dependencies: { kafkajs: '2', '@nestjs/microservices': '10', kue: '0.11' },
      }),
    );
    writeFileSync(path.join(fixture, 'main.ts'), "import { Kafka } from 'kafkajs';\n");
    const run = runCli(['scan', fixture, '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('note: '))).toEqual([
      'note: declared-only/package.json declares kue, which this version does not read',
      'note: declared-only/package.json declares @nestjs/microservices, kafkajs, but no use of them was found',
    ]);
    expect(readFileSync(path.join(out, 'eventgraph-report.md'), 'utf8')).toBe(
      'no event-driven patterns\n',
    );
  });
});

describe('eventgraph scan: bad input', () => {
  const repo = path.join(temp, 'bad-input');

  it('skips binary, huge, non-UTF-8 and symlinked files, reports syntax errors, keeps going', () => {
    // Copy the fixture and add the cases that are generated rather than committed.
    const fixture = path.join(FIXTURES, 'bad-input');
    cpSync(fixture, repo, { recursive: true });
    writeFileSync(path.join(repo, 'src', 'huge.ts'), `// ${'x'.repeat(1024 * 1024 + 10)}\n`);
    mkdirSync(path.join(repo, 'loop'), { recursive: true });
    symlinkSync(path.join(repo, 'loop'), path.join(repo, 'loop', 'again'));
    symlinkSync(path.join(repo, 'src', 'ok.ts'), path.join(repo, 'src', 'link.ts'));

    const out = path.join(temp, 'bad-input-out');
    const run = runCli(['scan', repo, '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/skipped: .*1 binary/);
    expect(run.stderr).toMatch(/1 larger than 1 MiB/);
    expect(run.stderr).toMatch(/1 not UTF-8/);
    expect(run.stderr).toMatch(/symlink not followed/);
    expect(run.stderr).toMatch(/warning: bad-input\/src\/broken\.ts:\d+: /);
    expect(run.stderr).toMatch(/warning: bad-input\/app\/broken\.py:\d+: /);

    const exported = JSON.parse(readFileSync(path.join(out, 'eventgraph-graph.json'), 'utf8')) as {
      nodes: { label: string; name: string }[];
    };
    const channels = exported.nodes
      .filter((n) => n.label === 'Topic' || n.label === 'Queue')
      .map((n) => n.name);
    expect(channels.sort()).toEqual(['bad-input.ok', 'still.found', 'still_found']);
  });

  it('refuses an --include that matches no file rather than report no messaging', () => {
    const run = runCli([
      'scan',
      path.join(FIXTURES, 'kafkajs-orders'),
      '--include',
      'nomatch/**',
      '--out',
      path.join(temp, 'include-none'),
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'eventgraph: --include nomatch/** matched no file; ' +
        'globs are matched against paths inside each repository, such as src/**/*.ts\n',
    );
    const some = runCli([
      'scan',
      path.join(FIXTURES, 'kafkajs-orders'),
      '--include',
      'src/**',
      '--out',
      path.join(temp, 'include-some'),
      '--quiet',
    ]);
    expect(some.status).toBe(0);
  });

  it('shows control characters in file names as escapes, never raw on the terminal', () => {
    const evil = path.join(temp, 'evil-names');
    mkdirSync(path.join(evil, 'src'), { recursive: true });
    writeFileSync(
      path.join(evil, 'package.json'),
      '{"name":"evil","dependencies":{"kafkajs":"2"}}',
    );
    writeFileSync(
      path.join(evil, 'src', 'evil\u001b[2J\u001b[31m.ts'),
      "import { Kafka } from 'kafkajs';\nconst k = new Kafka({ brokers: [] });\nk.producer().send({ topic: 'a', messages: [ });\n",
    );
    const run = runCli(['scan', evil, '--out', path.join(temp, 'evil-out')]);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).toContain(
      'warning: evil-names/src/evil\\u001b[2J\\u001b[31m.ts:3: syntax error',
    );
  });
});

describe('eventgraph scan: outputs it cannot write', () => {
  const shop = path.join('examples', 'shop');

  it('prints the usage and exits 2 when run with nothing', () => {
    const run = runCli([]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: eventgraph \[options\] \[command\]/);
    expect(run.stderr).toContain('scan [options] [path...]');
  });

  it('prints its version', () => {
    const run = runCli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('refuses an --out that cannot be made, at once, instead of looping', () => {
    const run = runCli(['scan', shop, '--out', '/proc/eventgraph-out']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'eventgraph: cannot write to /proc/eventgraph-out (nothing can be created there); ' +
        'choose another --out, --report, --json or --html\n',
    );
  });

  it('refuses an --out that is a file', () => {
    const file = path.join(temp, 'not-a-folder');
    writeFileSync(file, '');
    const run = runCli(['scan', shop, '--out', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `eventgraph: cannot write to ${file} (${file} is not a folder); ` +
        'choose another --out, --report, --json or --html\n',
    );
  });

  it('refuses a report file in a folder that takes no new file', () => {
    const run = runCli(['scan', shop, '--out', temp, '--report', '/proc/report.md']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'eventgraph: cannot write to /proc/report.md (nothing can be created there); ' +
        'choose another --out, --report, --json or --html\n',
    );
  });

  it('refuses a report and an export written to the same file', () => {
    const same = path.join(temp, 'same.out');
    const run = runCli(['scan', shop, '--out', temp, '--report', same, '--json', same]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `eventgraph: --report and --json name the same file: ${same}; give each output its own file\n`,
    );
  });

  it('refuses the same repository given twice', () => {
    const run = runCli(['scan', shop, `${shop}/`, '--out', temp]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `eventgraph: the same repository is given twice: ${shop} and ${shop}/; give it once\n`,
    );
  });
});
