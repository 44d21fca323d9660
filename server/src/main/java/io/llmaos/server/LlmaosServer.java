package io.llmaos.server;

import io.llmaos.server.api.DrainReport;
import io.llmaos.server.api.GrpcEndpoint;
import io.llmaos.server.config.ServerSettings;
import io.llmaos.server.core.BuildInfo;
import io.llmaos.server.core.Clock;
import io.llmaos.server.core.ServerStatus;
import io.llmaos.server.core.ServingPhase;
import java.io.IOException;

/**
 * One LLMA OS server: builds each layer from the settings, hands each its dependencies, starts the
 * gRPC endpoint and stops everything gracefully. Create one per process (tests create several).
 */
public final class LlmaosServer {
    private final ServerSettings settings;
    private final ServerStatus status = new ServerStatus();
    private final GrpcEndpoint endpoint;

    public LlmaosServer(ServerSettings settings, BuildInfo buildInfo, Clock clock) {
        this.settings = settings;
        this.endpoint = GrpcEndpoint.builder(settings, status, buildInfo).clock(clock).build();
    }

    /** Binds the port and starts serving. */
    public void start() throws IOException {
        endpoint.start();
    }

    /** The bound port. */
    public int port() {
        return endpoint.port();
    }

    /** Where the server is in its life. */
    public ServingPhase phase() {
        return status.phase();
    }

    /** Refuses new calls, lets in-flight calls finish within the configured grace period, stops. */
    public DrainReport shutdown() {
        return endpoint.drain(settings.shutdownGrace());
    }
}
