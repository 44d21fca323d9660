package io.llmaos.server.api.interceptor;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's network side, counted as it happens: message bytes in and out as they are on the
 * wire, open connections (a transport filter) and open calls (a stream tracer). Each event costs an
 * atomic add.
 */
public final class NetworkMeter {
    private static final Attributes.Key<Boolean> COUNTED = Attributes.Key.create("llmaos.connection-counted");
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();

    /** What the counters say now. */
    public record Counts(long bytesReceived, long bytesSent, int openConnections, int openCalls) {}

    public Counts counts() {
        return new Counts(received.sum(), sent.sum(), connections.get(), calls.get());
    }

    /** Counts connections. */
    public ServerTransportFilter transportFilter() {
        return new ServerTransportFilter() {
            @Override
            public Attributes transportReady(Attributes attributes) {
                connections.incrementAndGet();
                return attributes.toBuilder().set(COUNTED, true).build();
            }

            @Override
            public void transportTerminated(Attributes attributes) {
                // a connection that never became ready was never counted
                if (attributes != null && Boolean.TRUE.equals(attributes.get(COUNTED))) {
                    connections.decrementAndGet();
                }
            }
        };
    }

    /** Counts calls and their bytes. */
    public ServerStreamTracer.Factory streamTracer() {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                calls.incrementAndGet();
                return new ServerStreamTracer() {
                    @Override
                    public void inboundWireSize(long bytes) {
                        received.add(bytes);
                    }

                    @Override
                    public void outboundWireSize(long bytes) {
                        sent.add(bytes);
                    }

                    @Override
                    public void streamClosed(Status status) {
                        calls.decrementAndGet();
                    }
                };
            }
        };
    }
}
