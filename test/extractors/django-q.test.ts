import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

const said = (edges: { properties: object; evidence: { file: string; line: number }[] }[]) =>
  edges.map((e) => `${JSON.stringify(e.properties)} @ ${evidenceOf(e).join(' ')}`).sort();

describe('django-q', () => {
  it('names jobs by the function a dotted path leads to, with hooks and chains', async () => {
    const scan = await scanFixture('django-q-blog', ['django-q']);
    expect(scan.names('Job')).toEqual(['purge_drafts', 'rebuild_sitemap', 'render_post']);
    expect(evidenceOf(scan.node('Job', 'render_post'))).toEqual(['blog/tasks.py:1']);
    expect(said(scan.edges('ENQUEUES', undefined, 'render_post'))).toEqual([
      '{"via":"async_chain"} @ blog/views.py:8',
      '{"via":"async_task","hook":"notify_subscribers"} @ blog/views.py:7',
    ]);
    expect(said(scan.edges('ENQUEUES', undefined, 'rebuild_sitemap'))).toEqual([
      '{"via":"async_chain","after":["render_post"]} @ blog/views.py:8',
    ]);
  });

  it('reads schedule() and Schedule.objects.create() with their types', async () => {
    const scan = await scanFixture('django-q-blog', ['django-q']);
    expect(said(scan.edges('SCHEDULES'))).toEqual([
      '{"scheduler":"django-q","scheduleKind":"cron","schedule":"0 4 * * *","entry":"sitemap"} @ blog/schedules.py:6',
      '{"scheduler":"django-q","scheduleKind":"interval","schedule":"every 30 minutes"} @ blog/schedules.py:7',
    ]);
  });

  it('ignores result reads and a schedule() of the project', async () => {
    const scan = await scanFixture('django-q-negative', ['django-q']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges.filter((e) => e.type !== 'CONTAINS')).toEqual([]);
  });
});
