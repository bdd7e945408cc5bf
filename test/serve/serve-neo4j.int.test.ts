// `eventgraph serve --neo4j`: the Cypher box on a real Neo4j, through the query command's
// read-only path. Needs Neo4j: NEO4J_URI, or Testcontainers (test/helpers/neo4j-global-setup.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/scan.js';
import { neo4jRunner } from '../../src/serve/query.js';
import { startViewerServer, type RunningServer } from '../../src/serve/server.js';
import type { Neo4jConnection } from '../../src/store/neo4j-store.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

const skipReason = process.env.NEO4J_SKIP_REASON;
const connection: Neo4jConnection = {
  uri: process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687',
  username: process.env.NEO4J_USERNAME ?? 'neo4j',
  password: process.env.NEO4J_PASSWORD ?? '',
};

describe.skipIf(Boolean(skipReason))(
  `serve --neo4j${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let temp: string;
    let server: RunningServer;

    beforeAll(async () => {
      temp = await mkdtemp(path.join(os.tmpdir(), 'eventgraph-serve-neo4j-'));
      const outDir = path.join(temp, 'shop');
      await scan({
        paths: [path.join(PROJECT_ROOT, 'examples', 'shop')],
        outDir,
        neo4j: connection,
      });
      server = await startViewerServer({ outDir, port: 0, runQuery: neo4jRunner(connection) });
    });

    afterAll(async () => {
      await server.close();
      await rm(temp, { recursive: true, force: true });
    });

    async function query(text: string) {
      const response = await fetch(new URL('api/query', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: text }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    it('answers the Cypher box from Neo4j and names the node ids it returned', async () => {
      const answer = await query(
        "MATCH (t:Topic) WHERE t.id STARTS WITH 'topic:kafka:orders' RETURN t.id AS id",
      );
      expect(answer.status).toBe(200);
      expect(answer.body.nodeIds).toContain('topic:kafka:orders.created');
    });

    it('refuses a write, whatever the text guard would have let through', async () => {
      const answer = await query('MATCH (t:Topic) DETACH DELETE t');
      expect(answer.status).toBe(400);
      const after = await query(
        "MATCH (t:Topic {id: 'topic:kafka:orders.created'}) RETURN t.id AS id",
      );
      expect(after.body.rows).toEqual([{ id: 'topic:kafka:orders.created' }]);
    });
  },
);
