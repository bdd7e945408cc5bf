import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

const where = (evidence: { file: string; line: number }[]) =>
  evidence.map((e) => `${e.file}:${String(e.line)}`);

describe('eventsourcing', () => {
  it('reads an aggregate as the stream of its @event methods and nested event classes', async () => {
    const scan = await scanFixture('eventsourcing-school', ['eventsourcing']);
    const course = scan.node('Topic', 'Course');
    expect(course.technology).toBe('eventsourcing');
    expect(course.properties).toEqual({ kind: 'stream', eventLog: true });
    expect(where(course.evidence)).toEqual(['school/domain.py:4']);
    expect(scan.names('Event')).toEqual(['Closed', 'Opened', 'StudentEnrolled']);
    expect(scan.node('Event', 'Opened').properties).toEqual({
      fields: ['title', 'seats', 'originator_id', 'originator_version', 'timestamp'],
      metadataFields: ['originator_id', 'originator_version', 'timestamp'],
      category: 'domain',
    });
    expect(scan.node('Event', 'Closed').properties).toMatchObject({
      fields: ['reason', 'originator_id', 'originator_version', 'timestamp'],
    });
    expect(scan.edges('CARRIES', 'Course')).toHaveLength(3);
  });

  it('reads save() as appending and repository.get() as replaying, in an Application', async () => {
    const scan = await scanFixture('eventsourcing-school', ['eventsourcing']);
    const saves = scan.edges('PUBLISHES', 'eventsourcing-school', 'Course');
    expect(saves.map((e) => where(e.evidence))).toEqual([
      ['school/application.py:9', 'school/application.py:15'],
    ]);
    const [replay] = scan.edges('CONSUMES', 'enrol', 'Course');
    expect(replay?.properties).toEqual({ replay: true });
    expect(where(replay?.evidence ?? [])).toEqual(['school/application.py:13']);
  });

  it('ignores project classes that only share the library names', async () => {
    const scan = await scanFixture('eventsourcing-negative', ['eventsourcing']);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
  });
});
