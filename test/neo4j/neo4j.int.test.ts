// The same graph in a real Neo4j and in Kùzu: identical pattern rows, report and export;
// re-scans that replace one repository's part only; concurrent scans; refused writes; named
// errors. Needs Neo4j: NEO4J_URI, or Testcontainers (see test/helpers/neo4j-global-setup.ts).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Graph, GraphEdge, GraphNode } from '../../src/model/graph.js';
import { runFlows } from '../../src/patterns/flows.js';
import { loadPatternQueries, runPatterns } from '../../src/patterns/patterns.js';
import { scan } from '../../src/scan/scan.js';
import { queryKuzuReadOnly } from '../../src/store/kuzu-read-only.js';
import { KuzuStore } from '../../src/store/kuzu-store.js';
import { Neo4jStore, type Neo4jConnection } from '../../src/store/neo4j-store.js';
import {
  CredentialsError,
  DatabaseMissingError,
  QuerySyntaxError,
  UnreachableError,
  WriteRefusedError,
} from '../../src/store/store.js';
import { tidy } from '../cypher/query-harness.js';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { FIXTURES, scanFixture } from '../helpers/scan-fixture.js';

const skipReason = process.env.NEO4J_SKIP_REASON;
const connection: Neo4jConnection = {
  uri: process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687',
  username: process.env.NEO4J_USERNAME ?? 'neo4j',
  password: process.env.NEO4J_PASSWORD ?? '',
};
const temp = mkdtempSync(path.join(os.tmpdir(), 'eventgraph-neo4j-'));
let neo4j: Neo4jStore;

beforeAll(async () => {
  if (skipReason) return;
  neo4j = new Neo4jStore(connection);
  await neo4j.open();
});
afterAll(async () => {
  rmSync(temp, { recursive: true, force: true });
  if (!skipReason) await neo4j.close();
});

async function kuzuRows(graph: Graph) {
  const kuzu = new KuzuStore({ location: ':memory:', bufferPoolBytes: 128 * 1024 * 1024 });
  try {
    await kuzu.load(graph);
    return await allPatternRows(kuzu);
  } finally {
    await kuzu.close();
  }
}

async function allPatternRows(store: KuzuStore | Neo4jStore) {
  const rows: Record<string, unknown[]> = {};
  for (const query of await loadPatternQueries()) {
    const tidied = (await store.query(query.cypher)).map(tidy).map(emptyListsAsNull);
    rows[query.id] = tidied.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return { rows, findings: await runPatterns(store), flows: await runFlows(store) };
}

/** Kùzu returns null for an empty collect where Neo4j returns []; compare them as one. */
function emptyListsAsNull(row: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, Array.isArray(v) && v.length === 0 ? null : v]),
  );
}

async function count(cypher: string): Promise<number> {
  const [row] = await neo4j.query(cypher);
  return Number(row?.count ?? -1);
}

describe.skipIf(skipReason !== undefined)(`Neo4j ${skipReason ?? ''}`, () => {
  beforeEach(async () => {
    await neo4j.clear();
  });

  describe('differential: Neo4j and Kùzu give the same answers', () => {
    const fixtures = readdirSync(FIXTURES).sort();

    it.each(fixtures)('pattern rows and findings for fixture %s', async (fixture) => {
      const { graph } = await scanFixture(fixture);
      await neo4j.load(graph);
      expect(await allPatternRows(neo4j)).toEqual(await kuzuRows(graph));
    });

    it('report and export of the example system', async () => {
      const request = { paths: [path.join(PROJECT_ROOT, 'examples', 'shop')] };
      const kuzuOut = path.join(temp, 'kuzu');
      const neo4jOut = path.join(temp, 'neo4j');
      const fromKuzu = await scan({ ...request, outDir: kuzuOut });
      const fromNeo4j = await scan({ ...request, outDir: neo4jOut, neo4j: connection });
      expect(fromNeo4j.patterns.length).toBeGreaterThan(5);
      expect(fromNeo4j.report).toBe(fromKuzu.report);
      const exported = (out: string) =>
        readFileSync(path.join(out, 'eventgraph-graph.json'), 'utf8');
      expect(exported(neo4jOut)).toBe(exported(kuzuOut));
    });
  });

  describe('systems of many repositories', () => {
    const system = path.join(PROJECT_ROOT, 'test', 'fixtures', 'system-marketplace');
    const parts = ['storefront', 'payments', 'mailer'].map((p) => path.join(system, p));

    it('report and export of a three-repository system', async () => {
      const kuzuOut = path.join(temp, 'system-kuzu');
      const neo4jOut = path.join(temp, 'system-neo4j');
      const fromKuzu = await scan({ paths: parts, outDir: kuzuOut });
      const fromNeo4j = await scan({ paths: parts, outDir: neo4jOut, neo4j: connection });
      expect(fromNeo4j.report).toContain('### Flows across repositories');
      expect(fromNeo4j.report).toBe(fromKuzu.report);
      const exported = (out: string) =>
        readFileSync(path.join(out, 'eventgraph-graph.json'), 'utf8');
      expect(exported(neo4jOut)).toBe(exported(kuzuOut));
    });

    it('repositories scanned by separate jobs into one Neo4j join up', async () => {
      const scanOne = (part: string, name: string) =>
        scan({ paths: [part], outDir: path.join(temp, `alone-${name}`), neo4j: connection });
      await scanOne(parts[0] ?? '', 'storefront');
      await scanOne(parts[2] ?? '', 'mailer');
      const payments = await scanOne(parts[1] ?? '', 'payments');
      expect(payments.report).toContain(
        '| payments | `receipts` (rabbitmq) | mailer | `payments:payments/worker.py:15` | ' +
          '`mailer:lib/index.js:13` |',
      );
      expect(payments.report).toContain(
        '| storefront | `orders.placed` (kafka) | payments | `storefront:src/checkout.ts:13` | ' +
          '`payments:payments/worker.py:32` |',
      );
      expect(payments.report).toContain('- payments, storefront: payments → storefront');
    });
  });

  describe('re-scans', () => {
    it('loading the same graph twice leaves no duplicate nodes or edges', async () => {
      const { graph } = await scanFixture('kafkajs-orders');
      await neo4j.load(graph);
      await neo4j.load(graph);
      expect(await count('MATCH (n) RETURN count(n) AS count')).toBe(graph.nodes.length);
      expect(await count('MATCH ()-[r]->() RETURN count(r) AS count')).toBe(graph.edges.length);
    });

    it('a re-scan drops what the repository no longer has, and nothing of others', async () => {
      const alpha = twoServiceGraph('alpha', ['orders', 'payments']);
      const beta = twoServiceGraph('beta', ['orders']);
      await neo4j.load(alpha);
      await neo4j.load(beta);
      await neo4j.load(twoServiceGraph('alpha', ['orders']));

      const topics = await neo4j.query('MATCH (t:Topic) RETURN t.id AS id ORDER BY id');
      expect(topics).toEqual([{ id: 'topic:kafka:orders' }]);
      const edges = await neo4j.query(
        'MATCH (a)-[r:PUBLISHES]->(t) RETURN a.id AS publisher, t.name AS topic ORDER BY publisher',
      );
      expect(edges).toEqual([
        { publisher: 'service:alpha:.', topic: 'orders' },
        { publisher: 'service:beta:.', topic: 'orders' },
      ]);
      const [orders] = await neo4j.query(
        "MATCH (t:Topic {id: 'topic:kafka:orders'}) RETURN t.evidence AS evidence",
      );
      const repositories = (JSON.parse(String(orders?.evidence)) as { repository: string }[]).map(
        (e) => e.repository,
      );
      expect([...new Set(repositories)]).toEqual(['alpha', 'beta']);
    });

    it('a shared channel is stored the same whichever repository loads first', async () => {
      const alpha = twoServiceGraph('alpha', ['orders', 'payments']);
      const beta = twoServiceGraph('beta', ['orders', 'refunds']);
      const stored = () =>
        neo4j.query(
          'MATCH (n) RETURN n.id AS id, n.repository AS repository, n.evidence AS evidence, ' +
            'n.properties AS properties, n.sourceRepositories AS sources ORDER BY id',
        );
      await neo4j.load(alpha);
      await neo4j.load(beta);
      const alphaFirst = await stored();
      await neo4j.clear();
      await neo4j.load(beta);
      await neo4j.load(alpha);
      expect(await stored()).toEqual(alphaFirst);
      // Each re-scan takes its part out and puts it back: the same again.
      await neo4j.load(beta);
      await neo4j.load(alpha);
      expect(await stored()).toEqual(alphaFirst);
      expect(alphaFirst.find((row) => row.id === 'topic:kafka:orders')?.sources).toEqual([
        'alpha',
        'beta',
      ]);
    });

    it('two scans of different repositories sharing channels load at the same time', async () => {
      const names = Array.from({ length: 200 }, (_, i) => `shared.${String(i)}`);
      const stores = [new Neo4jStore(connection), new Neo4jStore(connection)];
      try {
        await Promise.all([
          stores[0]?.load(twoServiceGraph('alpha', names)),
          stores[1]?.load(twoServiceGraph('beta', [...names].reverse())),
        ]);
        expect(await count('MATCH (t:Topic) RETURN count(t) AS count')).toBe(200);
        expect(await count('MATCH (:Service)-[r:PUBLISHES]->() RETURN count(r) AS count')).toBe(
          400,
        );
        const shared = await neo4j.query(
          'MATCH (t:Topic) WHERE size(t.sourceRepositories) = 2 RETURN count(t) AS count',
        );
        expect(shared).toEqual([{ count: 200 }]);

        // Re-scans at the same time: alpha drops half its topics while beta loads again.
        await Promise.all([
          stores[0]?.load(twoServiceGraph('alpha', names.slice(0, 100))),
          stores[1]?.load(twoServiceGraph('beta', names)),
        ]);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
      expect(await count('MATCH (t:Topic) RETURN count(t) AS count')).toBe(200);
      expect(await count('MATCH (:Service)-[r:PUBLISHES]->() RETURN count(r) AS count')).toBe(300);
      const shared = await neo4j.query(
        'MATCH (t:Topic) WHERE size(t.sourceRepositories) = 2 RETURN count(t) AS count',
      );
      expect(shared).toEqual([{ count: 100 }]);
    });
  });

  describe('read-only ad hoc queries', () => {
    const refused = [
      'CREATE (n:Service {id: "x"})',
      "MERGE (n:Service {id: 'x'}) RETURN n",
      "MATCH (n) SET n.name = 'x'",
      'MATCH (n) DETACH DELETE n',
      'MATCH (n) REMOVE n.name',
      "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
      "LOAD FROM '/etc/passwd' RETURN *",
      "COPY Service TO '/tmp/eventgraph-leak.csv'",
      "EXPORT DATABASE '/tmp/eventgraph-leak'",
      "CALL db.createLabel('X')",
      "CALL dbms.setConfigValue('db.logs.query.enabled', 'off')",
      'MATCH (n) RETURN n; MATCH (m) RETURN m',
      'FOREACH (x IN [1] | CREATE (:Service))',
      'CALL threads=1',
    ];

    beforeAll(async () => {
      await scan({ paths: [path.join(PROJECT_ROOT, 'examples', 'shop')], outDir: temp });
    });

    it.each(refused)('refuses on Neo4j: %s', async (cypher) => {
      await expect(neo4j.queryReadOnly(cypher)).rejects.toBeInstanceOf(WriteRefusedError);
    });

    it.each(refused)('refuses on Kùzu: %s', async (cypher) => {
      const location = path.join(temp, '.eventgraph');
      await expect(queryKuzuReadOnly({ location }, cypher)).rejects.toBeInstanceOf(
        WriteRefusedError,
      );
    });

    it('Neo4j itself refuses a write the text guard did not see (READ access mode)', async () => {
      await expect(neo4j.query("CREATE (n:Service {id: 'x'})")).rejects.toBeInstanceOf(
        WriteRefusedError,
      );
    });

    it('answers reads with integer parameters', async () => {
      const rows = await neo4j.queryReadOnly('UNWIND range(1, 5) AS x RETURN x LIMIT $n', { n: 2 });
      expect(rows).toEqual([{ x: 1 }, { x: 2 }]);
    });
  });

  describe('named errors', () => {
    it('wrong credentials', async () => {
      const store = new Neo4jStore({ ...connection, password: 'not-the-password-123' });
      const error: unknown = await store.open().catch((e: unknown) => e);
      // A server with auth disabled accepts any password; CI runs one with auth enabled.
      if (connection.password === '') return;
      expect(error).toBeInstanceOf(CredentialsError);
      expect(String((error as Error).message)).not.toContain('not-the-password-123');
    });

    it('server unreachable', async () => {
      const store = new Neo4jStore({ ...connection, uri: 'bolt://127.0.0.1:1' });
      await expect(store.open()).rejects.toBeInstanceOf(UnreachableError);
    });

    it('database missing', async () => {
      const store = new Neo4jStore({ ...connection, database: 'nosuchdatabase' });
      await expect(store.open()).rejects.toBeInstanceOf(DatabaseMissingError);
    });

    it('query syntax error', async () => {
      await expect(neo4j.queryReadOnly('MATCH (n RETURN n')).rejects.toBeInstanceOf(
        QuerySyntaxError,
      );
    });
  });

  describe('the CLI against Neo4j', () => {
    const env = {
      NEO4J_URI: connection.uri,
      NEO4J_USERNAME: connection.username,
      NEO4J_PASSWORD: connection.password,
    };

    it('scans with --neo4j and queries with an example', async () => {
      const shop = path.join(PROJECT_ROOT, 'examples', 'shop');
      const out = path.join(temp, 'cli');
      const scanned = runCli(
        ['scan', shop, '--out', out, '--neo4j', connection.uri, '--quiet'],
        env,
      );
      expect(scanned.stderr).toBe('');
      expect(scanned.status).toBe(0);
      const run = runCli(['query', '--example', 'jobs-and-schedules', '--format', 'json'], env);
      expect(run.status).toBe(0);
      const rows = JSON.parse(run.stdout) as { job: string }[];
      expect(rows.map((r) => r.job)).toContain('build_sales_report');
    });

    it('exits 3 with a message without the password for wrong credentials', () => {
      if (connection.password === '') return;
      const wrong = { ...env, NEO4J_PASSWORD: 'wrong-password-456' };
      const run = runCli(['query', 'RETURN 1 AS one'], wrong);
      expect(run.status).toBe(3);
      expect(run.stderr).toContain('refused the credentials of user "neo4j"');
      expect(run.stderr).not.toContain('wrong-password-456');
    });

    it('exits 4 when nothing answers', () => {
      const run = runCli(['query', 'RETURN 1 AS one', '--neo4j', 'bolt://127.0.0.1:1']);
      expect(run.status).toBe(4);
      expect(run.stderr).toContain('did not answer');
    });

    it('exits 2 for a write', () => {
      const run = runCli(['query', 'MATCH (n) DETACH DELETE n'], env);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('Refused');
    });
  });
});

/** The built CLI with a clean environment plus the given variables. */
function runCli(args: readonly string[], env: Record<string, string> = {}) {
  const cli = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js');
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: temp,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function twoServiceGraph(repository: string, topics: readonly string[]): Graph {
  const service = `service:${repository}:.`;
  const evidence = (line: number) => [{ repository, file: 'src/main.ts', line }];
  const nodes: GraphNode[] = [
    node(service, 'Service', repository, repository, evidence(1)),
    ...topics.map((t, i) => node(`topic:kafka:${t}`, 'Topic', t, repository, evidence(i + 2))),
  ];
  const edges: GraphEdge[] = topics.map((t, i) => ({
    id: `PUBLISHES:${service}->topic:kafka:${t}`,
    type: 'PUBLISHES',
    from: service,
    to: `topic:kafka:${t}`,
    technology: 'kafka',
    repository,
    properties: {},
    evidence: evidence(i + 2),
  }));
  return {
    repositories: [{ name: repository, root: `/tmp/${repository}`, commit: null }],
    nodes,
    edges,
  };
}

function node(
  id: string,
  label: GraphNode['label'],
  name: string,
  repository: string,
  evidence: GraphNode['evidence'],
): GraphNode {
  const technology = label === 'Topic' ? 'kafka' : null;
  const properties = label === 'Topic' ? { kind: 'topic' } : {};
  return { id, label, name, technology, repository, service: null, properties, evidence };
}
