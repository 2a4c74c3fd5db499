import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts a Neo4j 5 Community database in this JVM with only the Bolt connector, bound to
 * 127.0.0.1, for Tapio's tests and benchmarks. Usage:
 *
 *   java -cp 'classes:lib/*' TapioNeo4jLauncher --port 7687 --data /tmp/dir [--password pw] [--pagecache-mb 256]
 *
 * Prints "TAPIO_NEO4J_READY port=<port>" on stdout once Bolt accepts connections. Shuts the
 * database down cleanly on SIGTERM/SIGINT and also when its standard input closes, so a test
 * runner that dies never leaves a Neo4j behind.
 */
public final class TapioNeo4jLauncher {
  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable failure) {
      // Neo4j's own threads would keep a half-started JVM alive: fail loudly and exit.
      System.err.println("TAPIO_NEO4J_FAILED " + failure);
      failure.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    int port = Integer.parseInt(require(options, "port"));
    Path data = Path.of(require(options, "data")).toAbsolutePath();
    String password = options.get("password");
    long pageCacheMb = Long.parseLong(options.getOrDefault("pagecache-mb", "256"));
    Files.createDirectories(data);

    DatabaseManagementService service = new DatabaseManagementServiceBuilder(data)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
        .setConfig(HttpConnector.enabled, false)
        .setConfig(HttpsConnector.enabled, false)
        .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
        // Tests want small, quickly rotated transaction logs, not days of history.
        .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown, "neo4j-shutdown"));

    GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    if (!db.isAvailable(TimeUnit.MINUTES.toMillis(2))) {
      System.err.println("TAPIO_NEO4J_FAILED database did not become available in 2 minutes");
      System.exit(2);
    }
    if (password != null) setPassword(service, password);

    System.out.println("TAPIO_NEO4J_READY port=" + port);
    System.out.flush();
    watchParent();
  }

  /**
   * With auth on, the initial user neo4j must have a known password that needs no change.
   * On a restart over the same data the password is already set; Neo4j refuses to set it
   * to the same value again, which is fine.
   */
  private static void setPassword(DatabaseManagementService service, String password) {
    GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    try {
      system.executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
    } catch (RuntimeException failure) {
      if (!String.valueOf(rootCause(failure).getMessage()).contains("cannot be the same")) throw failure;
    }
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    return cause;
  }

  /** Exits (running the shutdown hook) when the parent closes our stdin, i.e. when it dies. */
  private static void watchParent() throws IOException {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Input is ignored; only end-of-stream matters.
    }
    System.exit(0);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  private static String require(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }
}
