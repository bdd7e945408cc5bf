import { describe, expect, it } from 'vitest';
import { scanFixture, type FixtureScan } from '../helpers/scan-fixture.js';

function links(scan: FixtureScan, type: 'CONSUMES' | 'PUBLISHES'): string[] {
  const name = (id: string) => scan.graph.nodes.find((n) => n.id === id)?.name ?? id;
  return scan
    .edges(type)
    .map((e) => {
      const at = e.evidence.map((v) => `${v.file}:${String(v.line)}`).join();
      return `${name(e.from)} -> ${name(e.to)} (${String(e.technology)}) @ ${at}`;
    })
    .sort();
}

describe('postgres-notify-py', () => {
  it('reads LISTEN, NOTIFY and pg_notify through psycopg2, SQLAlchemy and asyncpg', async () => {
    const scan = await scanFixture('postgres-notify-py-jobs', ['postgres-notify-py']);
    expect(links(scan, 'PUBLISHES')).toEqual([
      'postgres-notify-py-jobs -> job_cancelled (postgres-notify) @ jobs/api.py:14',
      'postgres-notify-py-jobs -> job_created (postgres-notify) @ jobs/api.py:9',
    ]);
    expect(links(scan, 'CONSUMES')).toEqual([
      'on_cancel -> job_cancelled (postgres-notify) @ jobs/watcher.py:12',
      'run -> job_created (postgres-notify) @ jobs/worker.py:12',
    ]);
    expect(scan.node('Topic', 'job_created').properties).toEqual({ kind: 'channel' });
    const handler = scan.node('Handler', 'on_cancel');
    expect(handler.evidence.map((e) => `${e.file}:${String(e.line)}`)).toEqual([
      'jobs/watcher.py:6',
    ]);
  });

  it('ignores plain queries, prose that mentions LISTEN and execute() of other classes', async () => {
    const scan = await scanFixture('postgres-notify-py-negative', ['postgres-notify-py']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
  });
});
