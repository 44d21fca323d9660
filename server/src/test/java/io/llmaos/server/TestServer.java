package io.llmaos.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.server.config.Setting;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real server on a loopback port with a plaintext channel to it; close stops both. */
public final class TestServer implements AutoCloseable {
    /** The bundled demo repository (tests run in the server module's folder). */
    public static final Path DEMO_MODELS =
            Path.of("..", "models").toAbsolutePath().normalize();

    private final LlmaosServer server;
    private final ManagedChannel channel;

    private TestServer(LlmaosServer server) {
        this.server = server;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    /** Starts a server on {@code models}; {@code load} is the start-up list ("" loads nothing). */
    public static TestServer start(Path models, String load, Map<Setting, String> more) throws Exception {
        return start(models, load, more, null);
    }

    /** As {@link #start(Path, String, Map)} on the given engines (null: the real DJL engines). */
    public static TestServer start(
            Path models,
            String load,
            Map<Setting, String> more,
            java.util.List<io.llmaos.server.model.engine.InferenceEngine> engines)
            throws Exception {
        Map<Setting, String> settings = new EnumMap<>(Setting.class);
        settings.put(Setting.LOAD_MODELS, load);
        settings.putAll(more);
        var resolved = TestSettings.loopback(models, settings);
        LlmaosServer server = engines == null
                ? new LlmaosServer(resolved, BuildInfo.fromClasspath(), Clock.system())
                : new LlmaosServer(resolved, BuildInfo.fromClasspath(), Clock.system(), engines);
        server.start();
        return new TestServer(server);
    }

    /**
     * As {@link #start(Path, String, Map, java.util.List)}, with the HTTP listener on a free loopback port
     * ({@link #httpBase()}).
     */
    public static TestServer withHttp(
            Path models,
            String load,
            Map<Setting, String> more,
            java.util.List<io.llmaos.server.model.engine.InferenceEngine> engines)
            throws Exception {
        Map<Setting, String> all = new EnumMap<>(Setting.class);
        all.putAll(more);
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            all.put(Setting.HTTP_PORT, String.valueOf(s.getLocalPort()));
        }
        return start(models, load, all, engines);
    }

    /** As {@link #withHttp(Path, String, Map, java.util.List)} on the real engines. */
    public static TestServer withHttp(Path models, String load, Map<Setting, String> more) throws Exception {
        return withHttp(models, load, more, null);
    }

    /** The HTTP listener's URL, {@code http://127.0.0.1:PORT}. */
    public String httpBase() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    /** As {@link #start(Path, String, Map)}, its requests traced by {@code tracing}. */
    public static TestServer traced(
            Path models, String load, Map<Setting, String> more, io.llmaos.server.telemetry.Tracing tracing)
            throws Exception {
        Map<Setting, String> settings = new EnumMap<>(Setting.class);
        settings.put(Setting.LOAD_MODELS, load);
        settings.putAll(more);
        LlmaosServer server = new LlmaosServer(
                TestSettings.loopback(models, settings), BuildInfo.fromClasspath(), Clock.system(), null, tracing);
        server.start();
        return new TestServer(server);
    }

    public static TestServer start(Path models, String load) throws Exception {
        return start(models, load, Map.of());
    }

    public LlmaosServer server() {
        return server;
    }

    public ManagedChannel channel() {
        return channel;
    }

    public InferenceServiceGrpc.InferenceServiceBlockingStub inference() {
        return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public ModelRepositoryServiceGrpc.ModelRepositoryServiceBlockingStub repository() {
        return ModelRepositoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip() {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdown();
    }
}
