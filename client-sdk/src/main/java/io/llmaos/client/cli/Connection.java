package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every client command takes: where the server is, and how to talk to it. */
final class Connection {
    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            description = "The server (default: $LLMAOS_TARGET, else 127.0.0.1:8001)")
    String target;

    @Option(names = "--tenant", description = "The tenant calls are accounted to")
    String tenant;

    @Option(names = "--token", description = "A bearer token (default: $LLMAOS_TOKEN)")
    String token;

    @Option(names = "--json", description = "Print JSON instead of tables")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Deadline of each call (default 60)")
    long timeoutSeconds = 60;

    LlmaosClient connect() {
        String where = target != null ? target : System.getenv().getOrDefault("LLMAOS_TARGET", "127.0.0.1:8001");
        LlmaosClient.Builder b =
                LlmaosClient.builder().target(where).defaultDeadline(Duration.ofSeconds(timeoutSeconds));
        String t = token != null ? token : System.getenv("LLMAOS_TOKEN");
        if (t != null && !t.isEmpty()) {
            b.token(t);
        }
        if (tenant != null) {
            b.tenant(tenant);
        }
        return b.build();
    }
}
