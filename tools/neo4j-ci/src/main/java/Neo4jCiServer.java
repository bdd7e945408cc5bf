import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * A Neo4j Community DBMS with Bolt on a loopback address, for eventgraph's integration tests.
 * Configured from the environment; prints NEO4J_READY once the default database answers and
 * shuts down cleanly on SIGTERM or SIGINT. Never prints the password.
 */
public final class Neo4jCiServer {
    private Neo4jCiServer() {}

    public static void main(String[] args) throws Exception {
        String host = env("NEO4J_CI_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("NEO4J_CI_PORT", "7687"));
        Path home = Path.of(env("NEO4J_CI_HOME", "target/neo4j-ci-home")).toAbsolutePath();
        // Unset or empty: auth disabled (any credentials pass). Set: user neo4j needs it.
        String password = env("NEO4J_CI_PASSWORD", "");
        Files.createDirectories(home);

        Map<String, String> config = new LinkedHashMap<>();
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", host + ":" + port);
        config.put("server.bolt.advertised_address", host + ":" + port);
        config.put("server.http.enabled", "false");
        config.put("server.https.enabled", "false");
        config.put("dbms.security.auth_enabled", password.isEmpty() ? "false" : "true");
        config.put("server.memory.pagecache.size", env("NEO4J_CI_PAGECACHE", "256m"));
        config.put("db.transaction.timeout", "120s");
        config.put("dbms.security.allow_csv_import_from_file_urls", "false");
        config.put("dbms.usage_report.enabled", "false");

        // The 5.26 builder takes raw settings only from a file; a misspelt key fails the start.
        Path conf = home.resolve("neo4j.conf");
        StringBuilder lines = new StringBuilder();
        config.forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
        Files.writeString(conf, lines.toString());
        DatabaseManagementService dbms =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-ci-shutdown"));

        if (!password.isEmpty()) {
            // Embedded transactions on the system database run with full access, so the
            // initial password can be set without the first-login change.
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        }
        GraphDatabaseService database = dbms.database("neo4j");
        if (!database.isAvailable(180_000)) {
            System.err.println("NEO4J_FAILED database 'neo4j' not available after 180 s");
            System.exit(2);
        }
        String auth = password.isEmpty() ? "auth disabled" : "auth enabled for user neo4j";
        System.out.println("NEO4J_READY bolt://" + host + ":" + port + " (" + auth + ")");
        System.out.flush();
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
