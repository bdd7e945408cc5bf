import { describe, expect, it } from 'vitest';
import { evidenceOf, scanFixture } from '../helpers/scan-fixture.js';

describe('graphile-worker', () => {
  it('reads the task list, crontab, addJob, quickAddJob and SQL add_job', async () => {
    const scan = await scanFixture('graphile-worker-tasks', ['graphile-worker']);
    expect(scan.names('Job')).toEqual(['notify_owner', 'purge_uploads', 'resize_image']);
    expect(evidenceOf(scan.node('Job', 'resize_image'))).toContain('src/worker.ts:9');

    const enqueues = scan
      .edges('ENQUEUES')
      .map((e) => [
        scan.graph.nodes.find((n) => n.id === e.to)?.name,
        evidenceOf(e).join(' '),
        e.properties,
      ]);
    expect(enqueues.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['notify_owner', 'src/tasks/resize.ts:5', { dedupKey: '`notify:${imageId}`', via: 'addJob' }],
      ['resize_image', 'src/uploads.ts:12', { eta: 'new Date()', via: 'quickAddJob' }],
      ['purge_uploads', 'src/uploads.ts:16', { via: 'sql' }],
      [
        'resize_image',
        'src/uploads.ts:8',
        { attempts: 5, retry: 'maxAttempts=5', queue: 'images', via: 'addJob' },
      ],
    ]);

    const schedules = scan.edges('SCHEDULES', 'media-worker', 'purge_uploads');
    expect(schedules.map((e) => [evidenceOf(e), e.properties])).toEqual([
      [
        ['src/worker.ts:15'],
        { schedule: '0 3 * * *', scheduleKind: 'cron', scheduler: 'graphile-worker' },
      ],
    ]);
  });

  it('names a task directory file after the file and follows a destructured addJob', async () => {
    const scan = await scanFixture('graphile-worker-task-directory', ['graphile-worker']);
    expect(scan.names('Job')).toEqual(['send_email', 'user__forgot_password']);
    expect(evidenceOf(scan.node('Job', 'send_email'))).toContain('tasks/send_email.ts:8');
    const edges = scan.edges('ENQUEUES', 'user__forgot_password', 'send_email');
    expect(edges.map((e) => [evidenceOf(e), e.properties])).toEqual([
      [
        ['tasks/user__forgot_password.ts:7'],
        { attempts: 3, retry: 'maxAttempts=3', via: 'addJob' },
      ],
    ]);
  });

  it('leaves out maintenance calls, a look-alike addJob and SQL in a comment', async () => {
    const scan = await scanFixture('graphile-worker-negative', ['graphile-worker']);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
  });
});
