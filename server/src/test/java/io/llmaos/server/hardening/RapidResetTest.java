package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 rapid-reset flood: a connection that opens streams and resets them faster than
 * --max-rst-frames-per-second is closed (its other calls end), while the same burst under the
 * limit leaves the connection alone.
 */
class RapidResetTest {
    private static final int BURST = 200;

    @Test
    void aConnectionResettingStreamsFasterThanTheLimitIsClosed() throws Exception {
        assertNotNull(bystanderAfterBurst("50"), "over the limit, the connection is closed");
        assertNull(bystanderAfterBurst("100000"), "under the limit, the connection stays");
    }

    /** The status the bystander call on the bursting connection ended with, or null while it stays open. */
    private static Status bystanderAfterBurst(String limit) throws Exception {
        try (TestServer server =
                TestServer.start(TestServer.DEMO_MODELS, "", Map.of(Setting.MAX_RST_FRAMES_PER_SECOND, limit))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(
                            "127.0.0.1", server.server().port())
                    .usePlaintext()
                    .build();
            try {
                HealthWatch bystander = HealthWatch.open(channel);
                bystander.opened();
                List<HealthWatch> calls = new ArrayList<>();
                CountDownLatch open = new CountDownLatch(BURST);
                for (int i = 0; i < BURST; i++) {
                    calls.add(HealthWatch.open(channel, open));
                }
                open.await(20, TimeUnit.SECONDS);
                // every stream is on the wire: cancelling each sends one RST_STREAM, all at once
                calls.forEach(HealthWatch::cancel);
                try {
                    return bystander.closed().get(3, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException stillOpen) {
                    return null;
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
