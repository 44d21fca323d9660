package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * At most --max-connections client connections are open at once: one more is closed as it arrives
 * (the client sees UNAVAILABLE), the connections within the bound keep working, and a connection
 * that closes frees its place.
 */
class ConnectionLimitTest {
    private static ManagedChannel connect(TestServer server) {
        return NettyChannelBuilder.forAddress("127.0.0.1", server.server().port())
                .usePlaintext()
                .build();
    }

    private static void check(ManagedChannel channel) {
        HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
    }

    @Test
    void connectionsBeyondTheBoundAreClosedAndAPlaceFreesWhenOneCloses() throws Exception {
        try (TestServer server = TestServer.start(TestServer.DEMO_MODELS, "", Map.of(Setting.MAX_CONNECTIONS, "3"))) {
            List<ManagedChannel> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    ManagedChannel c = connect(server);
                    held.add(c);
                    check(c);
                }
                ManagedChannel extra = connect(server);
                held.add(extra);
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> check(extra));
                assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
                held.forEach(c -> {
                    if (c != extra) {
                        check(c);
                    }
                });
                held.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                boolean admitted = false;
                while (!admitted && System.nanoTime() < end) {
                    ManagedChannel again = connect(server);
                    held.add(again);
                    try {
                        check(again);
                        admitted = true;
                    } catch (StatusRuntimeException e) {
                        Thread.sleep(50);
                    }
                }
                assertTrue(admitted, "a closed connection frees its place");
            } finally {
                for (ManagedChannel c : held) {
                    c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
