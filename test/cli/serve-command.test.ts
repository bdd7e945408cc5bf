// `eventgraph serve` and `scan --html` through the built CLI, as a user runs them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js');
const out = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-serve-cli-'));

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('eventgraph scan --html', () => {
  it('writes the self-contained viewer and links it from the report', () => {
    const html = path.join(out, 'shop.html');
    const run = runCli(['scan', 'examples/shop', '--out', out, '--html', html, '--quiet']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(existsSync(html)).toBe(true);
    const report = readFileSync(path.join(out, 'eventgraph-report.md'), 'utf8');
    expect(report).toContain('Interactive view: [shop.html](<shop.html>)');
  });
});

describe('eventgraph serve', () => {
  it('serves the scan on loopback, says where on stderr, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--out', out, '--port', '0'], {
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1];
        if (found) resolve(found);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
    });
    const graph = (await (await fetch(`${url}api/graph`)).json()) as { graph: { verdict: string } };
    expect(graph.graph.verdict).toBe('event-driven');
    // Run from another folder: the snippet still comes from the scanned repository.
    const query = new URLSearchParams({
      repository: 'shop',
      file: 'services/orders/src/server.ts',
      line: '24',
    });
    expect((await fetch(`${url}api/evidence?${query.toString()}`)).status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout).toBe('');
  });

  it('refuses to serve a folder no scan wrote, saying what to run', () => {
    const nothing = path.join(out, 'no-scan-here');
    const run = runCli(['serve', '--out', nothing, '--port', '0']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `eventgraph: no scan export in ${nothing}; ` +
        `run eventgraph scan <path...> --out ${nothing} first\n`,
    );
  });

  it('refuses a port that is not a number', () => {
    const run = runCli(['serve', '--out', out, '--port', 'http']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--port must be a number');
  });
});
