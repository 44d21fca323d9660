package io.llmaos.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server as a real process: it serves, and SIGTERM or SIGINT drains it and it exits 0. */
class ServerProcessTest {
    @TempDir
    Path models;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aShutdownSignalDrainsAndExitsZero(String signal) throws Exception {
        try (ChildServer server =
                ChildServer.start(List.of(), "--models", models.toString(), "--shutdown-grace", "10s")) {
            ManagedChannel channel = server.channel();
            try {
                assertEquals(
                        ServingStatus.SERVING,
                        HealthGrpc.newBlockingStub(channel)
                                .check(HealthCheckRequest.getDefaultInstance())
                                .getStatus());
            } finally {
                channel.shutdownNow();
            }
            assertEquals(0, server.signalAndWait(signal), "exit status after SIG" + signal + ":\n" + server.output());
            String output = server.output();
            assertTrue(output.contains("SIG" + signal + " received"), output);
            assertTrue(output.contains("stopped: in-flight calls all finished"), output);
        }
    }
}
