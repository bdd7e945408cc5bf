// Scan throughput on a real repository and on a generated tree of 200k+ lines, each beside
// the time `git grep` takes to find the prefilter words in the same tree (the baseline).
// usage: npm run bench -- [real-repository-path ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { allExtractors } from '../src/extractors/registry.js';
import { prefilterWords } from '../src/prefilter/prefilter.js';
import { generateTree } from './generate-tree.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Figures {
  files: number;
  lines: number;
  nodes: number;
  edges: number;
  seconds: number;
  peakRssMb: number;
}

function scanOnce(target: string, out: string): Figures {
  const result = spawnSync(process.execPath, [path.join(here, 'scan-once.js'), target, out], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`scan of ${target} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Figures;
}

function gitGrepSeconds(target: string): number {
  const args = ['grep', '--no-index', '-l', '-F'];
  for (const word of prefilterWords(allExtractors())) args.push('-e', word);
  const started = performance.now();
  // git grep exits 1 when nothing matches; only the time matters here.
  spawnSync('git', args, { cwd: target, stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

function row(name: string, f: Figures, grep: number): string {
  const rate = (n: number) => Math.round(n / f.seconds).toLocaleString('en-US');
  return [
    name,
    String(f.files),
    f.lines.toLocaleString('en-US'),
    f.seconds.toFixed(2),
    rate(f.files),
    rate(f.lines),
    f.peakRssMb.toFixed(0),
    grep.toFixed(2),
    (f.seconds / grep).toFixed(0),
  ].join(' | ');
}

const work = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-bench-'));
try {
  const generated = await generateTree(path.join(work, 'generated'), 200_000);
  const targets = [...process.argv.slice(2).map((p) => path.resolve(p)), generated.root];
  const lines = [
    `eventgraph ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}, ` +
      `${String(os.cpus().length)} cores, node ${process.version}`,
    '',
    'tree | files | lines | seconds | files/s | lines/s | peak MB | git grep s | × git grep',
    '--- | --- | --- | --- | --- | --- | --- | --- | ---',
  ];
  for (const target of targets) {
    const grep = gitGrepSeconds(target);
    const figures = scanOnce(target, path.join(work, 'out', path.basename(target)));
    lines.push(row(path.basename(target), figures, grep));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
