package dev.tapio.kubemock;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;

/**
 * Starts fabric8's Kubernetes mock API server in CRUD mode (objects are stored, listed,
 * updated, deleted and watched) over plain HTTP on 127.0.0.1. Usage: KubeMockMain [port]
 * (0 or absent: a free port). Prints "kube-mock listening on http://127.0.0.1:PORT" once it
 * accepts connections, then runs until stdin closes or the process is signalled, so a test
 * harness that dies never leaves the server behind.
 */
public final class KubeMockMain {
  private KubeMockMain() {
  }

  public static void main(String[] args) throws Exception {
    // The mock server logs every request at INFO through java.util.logging and slf4j;
    // at benchmark volumes that logging costs more than serving the request.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.setLevel(java.util.logging.Level.WARNING);
    for (java.util.logging.Handler handler : root.getHandlers()) {
      handler.setLevel(java.util.logging.Level.WARNING);
    }
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        new HashMap<>(), new NonBlockingCloseDispatcher(), false);
    server.init(InetAddress.getByName("127.0.0.1"), port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(server)));
    System.out.println("kube-mock listening on http://127.0.0.1:" + server.getPort());
    System.out.flush();
    try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (stdin.readLine() != null) {
        // Input is ignored; end of input means the parent is gone.
      }
    }
    stopQuietly(server);
    Runtime.getRuntime().halt(0);
  }

  /** Open watch connections can make shutdown time out; the process is ending either way. */
  private static void stopQuietly(KubernetesMockServer server) {
    try {
      server.destroy();
    } catch (RuntimeException ignored) {
      // Nothing left to clean up that the exiting JVM will not.
    }
  }
}
