package dev.tapio.kubemock;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
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
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getByName("127.0.0.1"), port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    System.out.println("kube-mock listening on http://127.0.0.1:" + server.getPort());
    System.out.flush();
    try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (stdin.readLine() != null) {
        // Input is ignored; end of input means the parent is gone.
      }
    }
    server.destroy();
    System.exit(0);
  }
}
