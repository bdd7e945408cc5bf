// Load benchmark: the same synthetic graph of 100k nodes and 200k edges into Kùzu (embedded,
// a fresh on-disk database) and into Neo4j (NEO4J_URI; emptied first), side by side.
//   npm run bench:load            (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD for Neo4j)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Graph, GraphEdge, GraphNode } from '../src/model/graph.js';
import { KuzuStore } from '../src/store/kuzu-store.js';
import { Neo4jStore } from '../src/store/neo4j-store.js';
import type { Store } from '../src/store/store.js';

const NODES = Number(process.env.BENCH_NODES ?? 100_000);
const EDGES = Number(process.env.BENCH_EDGES ?? 200_000);

function syntheticGraph(): Graph {
  const repository = 'bench';
  const evidence = (line: number) => [{ repository, file: 'src/main.ts', line }];
  const topics = Math.floor(NODES / 2);
  const handlers = NODES - topics;
  const nodes: GraphNode[] = [];
  for (let i = 0; i < topics; i++) {
    const properties = { kind: 'topic' };
    nodes.push(node(`topic:kafka:t${String(i)}`, 'Topic', `t${String(i)}`, properties, i));
  }
  for (let i = 0; i < handlers; i++) {
    nodes.push(node(`handler:bench:h${String(i)}`, 'Handler', `h${String(i)}`, {}, i));
  }
  const edges: GraphEdge[] = [];
  for (let i = 0; i < EDGES; i++) {
    const type = i % 2 === 0 ? 'PUBLISHES' : 'CONSUMES';
    const from = `handler:bench:h${String(i % handlers)}`;
    const to = `topic:kafka:t${String((i * 7919) % topics)}`;
    const id = `${type}:${from}->${to}:${String(i)}`;
    edges.push({
      id,
      type,
      from,
      to,
      technology: 'kafka',
      repository,
      properties: {},
      evidence: evidence(i + 1),
    });
  }
  return { repositories: [{ name: repository, root: '/tmp/bench', commit: null }], nodes, edges };

  function node(
    id: string,
    label: GraphNode['label'],
    name: string,
    properties: GraphNode['properties'],
    line: number,
  ): GraphNode {
    return {
      id,
      label,
      name,
      technology: 'kafka',
      repository,
      service: null,
      properties,
      evidence: evidence(line + 1),
    };
  }
}

async function timed(store: Store, graph: Graph): Promise<number> {
  const started = performance.now();
  await store.load(graph);
  return (performance.now() - started) / 1000;
}

const graph = syntheticGraph();
const rows = graph.nodes.length + graph.edges.length;
const results: { engine: string; seconds: number }[] = [];

const folder = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-load-bench-'));
const kuzu = new KuzuStore({ location: folder, bufferPoolBytes: 1024 * 1024 * 1024 });
try {
  results.push({ engine: 'Kùzu 0.11.3 (embedded)', seconds: await timed(kuzu, graph) });
} finally {
  await kuzu.close();
  rmSync(folder, { recursive: true, force: true });
}

const uri = process.env.NEO4J_URI;
if (uri) {
  const neo4j = new Neo4jStore({
    uri,
    username: process.env.NEO4J_USERNAME ?? 'neo4j',
    password: process.env.NEO4J_PASSWORD ?? '',
  });
  try {
    await neo4j.clear();
    results.push({ engine: 'Neo4j 5.26 (Bolt)', seconds: await timed(neo4j, graph) });
  } finally {
    await neo4j.clear();
    await neo4j.close();
  }
} else {
  process.stderr.write('NEO4J_URI not set: Neo4j left out\n');
}

const lines = [
  `${String(graph.nodes.length)} nodes, ${String(graph.edges.length)} edges`,
  '| engine | seconds | rows/s |',
  '| --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.engine} | ${r.seconds.toFixed(2)} | ${Math.round(rows / r.seconds).toLocaleString('en-US')} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
