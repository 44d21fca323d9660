package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP port's connections, bounded as the gRPC port's: beyond {@code --max-connections} a
 * connection is closed as it arrives; with {@code --max-connection-idle} a kept-alive connection with
 * nothing in progress is closed after that long, while a quiet stream of events keeps its own open.
 */
class HttpConnectionsTest {
    @Test
    void connectionsAreBoundedAndIdleOnesClosed() throws Exception {
        try (TestServer server = TestServer.withHttp(
                TestServer.DEMO_MODELS, "", Map.of(Setting.MAX_CONNECTIONS, "2", Setting.MAX_CONNECTION_IDLE, "1s"))) {
            URI base = URI.create(server.httpBase());
            try (Socket first = connect(base);
                    Socket second = connect(base);
                    Socket third = connect(base)) {
                // the first two are served; the third is closed as it arrives
                assertTrue(answer(first, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                        .startsWith("HTTP/1.1 200"));
                long lastTraffic = System.nanoTime();
                assertTrue(answer(second, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                        .startsWith("HTTP/1.1 200"));
                assertEquals(-1, readWithin(third, 5000), "the connection beyond the bound is closed");
                // a stream of events that stays quiet past the idle time keeps its connection
                second.getOutputStream()
                        .write("GET /api/watch/models HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                second.getOutputStream().flush();
                assertTrue(readWithin(second, 5000) > 0, "the stream starts");
                // the first, kept alive with nothing in progress, is closed once idle for 1 s
                assertEquals(-1, drainUntilClosed(first, 10_000), "the idle connection is closed");
                assertTrue(System.nanoTime() - lastTraffic >= 900_000_000L, "not before it was idle for 1 s");
                Thread.sleep(2000);
                assertTrue(stillOpen(second), "the quiet stream's connection is kept");
            }
            // closed connections no longer count: a new one is served
            try (Socket again = connect(base)) {
                assertTrue(answer(again, "GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n")
                        .startsWith("HTTP/1.1 200"));
            }
        }
    }

    private static Socket connect(URI base) throws Exception {
        Socket s = new Socket(base.getHost(), base.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends {@code request} and reads the start of the answer. */
    private static String answer(Socket s, String request) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] b = new byte[4096];
        int n = s.getInputStream().read(b);
        return n <= 0 ? "" : new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    /** The first read within {@code millis}: bytes read, or -1 at the end of the stream. */
    private static int readWithin(Socket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        try {
            return s.getInputStream().read(new byte[4096]);
        } catch (java.net.SocketException e) {
            return -1; // reset: closed too
        }
    }

    /** Reads until the server closes the connection (-1), or times out (0). */
    private static int drainUntilClosed(Socket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        try {
            while (in.read(new byte[4096]) >= 0) {
                // whatever was left of an answer
            }
            return -1;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (java.net.SocketException e) {
            return -1;
        }
    }

    private static boolean stillOpen(Socket s) throws Exception {
        s.setSoTimeout(200);
        try {
            return s.getInputStream().read(new byte[4096]) != -1;
        } catch (SocketTimeoutException e) {
            return true; // nothing to read, not closed
        }
    }
}
