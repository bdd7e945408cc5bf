import { describe, expect, it } from 'vitest';
import { scanFixture } from '../helpers/scan-fixture.js';

describe('job, workflow, cron and bus extractors on odd shapes', () => {
  it('give nothing for calls with missing or spread arguments, and do not throw', async () => {
    const scan = await scanFixture('job-libraries-odd-shapes', [
      'agenda',
      'cron-library',
      'event-emitter',
      'graphile-worker',
      'inngest',
      'pg-boss',
      'temporal',
    ]);
    expect(scan.graph.nodes.filter((n) => n.label !== 'Service')).toEqual([]);
    expect(scan.graph.edges).toEqual([]);
    expect(scan.diagnostics).toEqual([]);
  });
});
