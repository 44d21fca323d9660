package io.llmaos.loadtest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP collector that accepts and forgets what a server pushes, counting the trace exports:
 * the far end of {@code --otlp-endpoint} in benchmarks.
 */
final class OtlpSink implements AutoCloseable {
    private final HttpServer http;
    private final AtomicLong traceExports = new AtomicLong();
    private final AtomicLong traceBytes = new AtomicLong();

    OtlpSink() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            long n = exchange.getRequestBody().readAllBytes().length;
            if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
                traceExports.incrementAndGet();
                traceBytes.addAndGet(n);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.start();
    }

    /** The base address to pass as {@code --otlp-endpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    long traceExports() {
        return traceExports.get();
    }

    long traceBytes() {
        return traceBytes.get();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
