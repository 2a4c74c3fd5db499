package dev.tapio.kubemock;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The CRUD dispatcher with one fix to fabric8's watch handling (7.8.0).
 *
 * <p>When a watch WebSocket closes, fabric8's WatchEventsListener waits (up to a minute) on
 * the Vert.x event loop for its send executor to finish. A send still in flight waits (up
 * to 30 s) for its write to complete, which only that same event loop can do: a client
 * that stops a watch while the server is still sending its initial events stalls every
 * request on that event loop for about 30 s. A real API server has no such stall. Running
 * the close handlers on their own thread lets the event loop complete the write, so the
 * close takes milliseconds.
 */
final class NonBlockingCloseDispatcher extends KubernetesCrudDispatcher {
  private final ExecutorService closer = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "kube-mock-watch-close");
    thread.setDaemon(true);
    return thread;
  });

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    WebSocketListener listener = response.getWebSocketListener();
    return listener == null ? response : response.withWebSocketUpgrade(new CloseOffEventLoop(listener, closer));
  }

  /** Delegates everything; only the two close callbacks move off the event loop. */
  private static final class CloseOffEventLoop extends WebSocketListener {
    private final WebSocketListener delegate;
    private final ExecutorService closer;

    CloseOffEventLoop(WebSocketListener delegate, ExecutorService closer) {
      this.delegate = delegate;
      this.closer = closer;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      closer.execute(() -> delegate.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
      closer.execute(() -> delegate.onFailure(webSocket, failure, response));
    }
  }
}
