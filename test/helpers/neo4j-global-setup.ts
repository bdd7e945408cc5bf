// Finds a Neo4j for the *.int.test.ts suites before any worker starts, and hands it to them
// through NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD (workers inherit the environment):
// the one NEO4J_URI names, else a Testcontainers Neo4j when a Docker engine answers, else
// none, with the reason in NEO4J_SKIP_REASON. Under CI=true a missing Neo4j fails the run.
let stop: (() => Promise<void>) | null = null;

export async function setup(): Promise<void> {
  if (process.env.NEO4J_URI) return;
  try {
    // Loaded lazily: runs with NEO4J_URI never import it. 11.x: 12.x needs Node 22.
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch (error) {
    const reason =
      'no NEO4J_URI and no Docker engine for Testcontainers ' +
      `(${error instanceof Error ? error.message : String(error)})`;
    if (process.env.CI === 'true') {
      throw new Error(`Neo4j tests must run in CI: ${reason}; .ci/run starts tools/neo4j-ci`);
    }
    process.env.NEO4J_SKIP_REASON = reason;
    process.stderr.write(`Neo4j integration tests skipped: ${reason}\n`);
    return;
  }
  const { Neo4jContainer } = await import('@testcontainers/neo4j');
  const container = await new Neo4jContainer('neo4j:5.26-community')
    .withPassword('eventgraph-test')
    .start();
  process.env.NEO4J_URI = container.getBoltUri();
  process.env.NEO4J_USERNAME = container.getUsername();
  process.env.NEO4J_PASSWORD = container.getPassword();
  stop = async () => {
    await container.stop();
  };
}

export async function teardown(): Promise<void> {
  if (stop) await stop();
}
