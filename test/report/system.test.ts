// The system view: cycles between services and the blocks built from flows.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/model/graph.js';
import { serviceCycles, type ServiceFlow } from '../../src/patterns/flows.js';
import { systemBlocks } from '../../src/report/system.js';

function flow(from: string, to: string, via: string, repositories: [string, string] = ['r', 'r']) {
  const end = (id: string, repository: string) => ({ id, name: id, repository });
  return {
    from: end(from, repositories[0]),
    to: end(to, repositories[1]),
    via: { id: `topic:kafka:${via}`, name: via, label: 'Topic', technology: 'kafka' },
    published: [{ repository: repositories[0], file: 'a.ts', line: 1 }],
    consumed: [{ repository: repositories[1], file: 'b.py', line: 2 }],
  } satisfies ServiceFlow;
}

const format = {
  evidence: (list: readonly { repository: string; file: string; line: number }[], q: boolean) =>
    list.map((e) => `${q ? `${e.repository}:` : ''}${e.file}:${String(e.line)}`).join(', '),
};

describe('serviceCycles', () => {
  it('finds each group of services that reach each other, and no chain', () => {
    const flows = [
      flow('a', 'b', 't1'),
      flow('b', 'c', 't2'),
      flow('c', 'a', 't3'),
      flow('c', 'd', 't4'),
      flow('d', 'e', 't5'),
      flow('e', 'd', 't6'),
      flow('f', 'g', 't7'),
    ];
    expect(serviceCycles(flows)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(serviceCycles([flow('a', 'b', 't1'), flow('b', 'c', 't2')])).toEqual([]);
  });

  it('handles a chain of ten thousand services without overflowing the stack', () => {
    const flows = Array.from({ length: 10_000 }, (_, i) =>
      flow(`s${String(i)}`, `s${String(i + 1)}`, `t${String(i)}`),
    );
    flows.push(flow('s10000', 's0', 'back'));
    const [cycle] = serviceCycles(flows);
    expect(cycle).toHaveLength(10_001);
  });
});

describe('systemBlocks', () => {
  const graph: Graph = {
    repositories: [
      { name: 'shop', root: '/x/shop', commit: 'abcdef0123456789' },
      { name: 'pay', root: '/x/pay', commit: null },
    ],
    nodes: [],
    edges: [],
  };

  it('splits flows across and within repositories and qualifies evidence', () => {
    const blocks = systemBlocks(
      graph,
      [flow('a', 'b', 'orders', ['shop', 'pay']), flow('a', 'c', 'audit', ['shop', 'shop'])],
      format,
    );
    expect(blocks.map((b) => b.title)).toEqual([
      'Service map',
      'Flows across repositories',
      'Flows within a repository',
      'Repositories',
    ]);
    expect(blocks[1]?.table?.rows).toEqual([
      ['a (shop)', '`orders` (kafka)', 'b (pay)', 'shop:a.ts:1', 'pay:b.py:2'],
    ]);
    expect(blocks[0]?.diagram).toEqual([
      's1["a (shop)"]',
      's2["b (pay)"]',
      's3["c (shop)"]',
      's1 -- "orders" --> s2',
      's1 -- "audit" --> s3',
    ]);
    expect(blocks[3]?.table?.rows).toEqual([
      ['pay', '—', '0', '0', '0', '0', '—'],
      ['shop', '`abcdef012345`', '0', '0', '0', '0', '—'],
    ]);
  });

  it('gives nothing when no service sends to another', () => {
    expect(systemBlocks({ ...graph, repositories: [graph.repositories[0]!] }, [], format)).toEqual(
      [],
    );
  });

  it('labels a map edge with three channels and a count of the rest', () => {
    const flows = ['w', 'x', 'y', 'z'].map((t) => flow('a', 'b', t));
    const map = systemBlocks({ ...graph, repositories: [] }, flows, format)[0]?.diagram;
    expect(map?.at(-1)).toBe('s1 -- "w, x, y +1" --> s2');
  });
});
