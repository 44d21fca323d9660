package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every client command takes: where the server is, and how to talk to it. */
public final class Connection {
    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            description = "The server (default: $LLMAOS_TARGET, else 127.0.0.1:8001)")
    String target;

    @Option(names = "--tenant", description = "The tenant calls are accounted to")
    String tenant;

    @Option(names = "--token", description = "A bearer token (default: $LLMAOS_TOKEN)")
    String token;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "Read the bearer token from this file (its first line; default: $LLMAOS_TOKEN_FILE)")
    Path tokenFile;

    @Option(names = "--tls", description = "Use TLS, trusting the system's certificate authorities")
    boolean tls;

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            description = "Use TLS, trusting the certificates in this PEM file (default: $LLMAOS_TLS_CA)")
    File tlsCa;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "Mutual TLS: this client's certificate chain (PEM)")
    File tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Mutual TLS: this client's private key (PEM)")
    File tlsKey;

    @Option(names = "--json", description = "Print JSON instead of tables")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Deadline of each call (default 60)")
    long timeoutSeconds = 60;

    /** The token: --token, else the first line of --token-file, else $LLMAOS_TOKEN, else $LLMAOS_TOKEN_FILE's. */
    private String token() {
        if (token != null) {
            return token;
        }
        Path file = tokenFile;
        if (file == null) {
            Optional<String> fromEnv = env("LLMAOS_TOKEN");
            if (fromEnv.isPresent()) {
                return fromEnv.get();
            }
            file = env("LLMAOS_TOKEN_FILE").map(Path::of).orElse(null);
        }
        if (file == null) {
            return null;
        }
        try {
            return Files.readAllLines(file).stream()
                    .findFirst()
                    .map(String::strip)
                    .orElse("");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage());
        }
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isEmpty());
    }

    public LlmaosClient connect() {
        // a command's process exits right after: no transport thread may linger; and it answers at once
        // (a server that cannot be reached is reported, not retried: the user or the script decides)
        return builder().ownThread().maxAttempts(1).build();
    }

    /** The server these options name: --target, else $LLMAOS_TARGET, else 127.0.0.1:8001. */
    public String where() {
        return target != null ? target : System.getenv().getOrDefault("LLMAOS_TARGET", "127.0.0.1:8001");
    }

    /** A client builder set from these options (a load test changes its retries before building). */
    public LlmaosClient.Builder builder() {
        String where = where();
        LlmaosClient.Builder b =
                LlmaosClient.builder().target(where).defaultDeadline(Duration.ofSeconds(timeoutSeconds));
        String t = token();
        if (t != null && !t.isEmpty()) {
            b.token(t);
        }
        File ca = tlsCa != null ? tlsCa : env("LLMAOS_TLS_CA").map(File::new).orElse(null);
        if (ca != null) {
            b.useTls(ca);
        } else if (tls) {
            b.useTls();
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsCert != null) {
            b.clientCertificate(tlsCert, tlsKey);
        }
        if (tenant != null) {
            b.tenant(tenant);
        }
        return b;
    }
}
