package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.WatchResourcesRequest;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One client holds at most --max-watch-streams-per-client watch streams; one more is refused until one ends. */
class WatchLimitTest {
    @Test
    void aClientHoldsAtMostItsWatchStreams() throws Exception {
        try (TestServer server =
                TestServer.start(TestServer.DEMO_MODELS, "", Map.of(Setting.MAX_WATCH_STREAMS_PER_CLIENT, "2"))) {
            HealthWatch first = HealthWatch.open(server.channel());
            HealthWatch second = HealthWatch.open(server.channel());
            assertTrue(first.opened() && second.opened());
            Status third = ResourceWatch.refusal(server);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, third.getCode(), third.toString());
            assertTrue(third.getDescription().contains("--max-watch-streams-per-client"), third.toString());
            // unary calls are not counted
            assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(server.channel())
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus());
            first.cancel();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            HealthWatch again;
            do {
                again = HealthWatch.open(server.channel());
            } while (!again.opened() && System.nanoTime() < end);
            assertTrue(again.opened(), "a stream ended: its place is free again");
            assertFalse(second.closed().isDone(), "the streams within the bound stay open");
        }
    }

    /** A resource watch over the bound: its status. */
    private static final class ResourceWatch {
        static Status refusal(TestServer server) {
            try {
                ResourceServiceGrpc.newBlockingStub(server.channel())
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .watchResources(WatchResourcesRequest.getDefaultInstance())
                        .next();
                return Status.OK;
            } catch (io.grpc.StatusRuntimeException e) {
                return e.getStatus();
            }
        }
    }
}
