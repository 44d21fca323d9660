package io.llmaos.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ServerLiveRequest;
import io.llmaos.proto.oip.ServerMetadataRequest;
import io.llmaos.proto.oip.ServerMetadataResponse;
import io.llmaos.proto.oip.ServerReadyRequest;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ListModelsRequest;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.server.api.GrpcEndpoint;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.ServingPhase;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on a loopback port: health, reflection, OIP server RPCs, UNIMPLEMENTED, shutdown. */
class ServerLifecycleTest {
    private static final List<String> CONTRACT = List.of(
            "llmaos.v1.InferenceService",
            "llmaos.v1.ModelRepositoryService",
            "llmaos.v1.SchedulerService",
            "llmaos.v1.ResourceService",
            "inference.GRPCInferenceService");

    @TempDir
    Path models;

    private LlmaosServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = new LlmaosServer(TestSettings.loopback(models), BuildInfo.fromClasspath(), Clock.system());
        server.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void healthIsServingOverallAndPerService() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertEquals(
                ServingStatus.SERVING,
                health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        for (String service : CONTRACT) {
            assertEquals(
                    ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder()
                                    .setService(service)
                                    .build())
                            .getStatus(),
                    service);
        }
        StatusRuntimeException unknown = assertThrows(
                StatusRuntimeException.class,
                () -> health.check(HealthCheckRequest.newBuilder()
                        .setService("no.such.Service")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    @Test
    void reflectionListsEveryService() throws Exception {
        QueueObserver<ServerReflectionResponse> answers = new QueueObserver<>();
        StreamObserver<ServerReflectionRequest> requests =
                ServerReflectionGrpc.newStub(channel).serverReflectionInfo(answers);
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ServerReflectionResponse answer = answers.next();
        requests.onCompleted();
        Set<String> listed = answer.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName)
                .collect(Collectors.toSet());
        assertTrue(listed.containsAll(CONTRACT), "listed " + listed);
        assertTrue(listed.contains("grpc.health.v1.Health"), "listed " + listed);
        assertTrue(listed.contains("grpc.reflection.v1.ServerReflection"), "listed " + listed);
        assertTrue(listed.contains("grpc.reflection.v1alpha.ServerReflection"), "listed " + listed);
    }

    @Test
    void openInferenceProtocolServerRpcsReportRealState() {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        assertTrue(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        ServerMetadataResponse metadata = oip.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("llmaos", metadata.getName());
        assertEquals(BuildInfo.fromClasspath().version(), metadata.getVersion());
        assertTrue(metadata.getExtensionsList().contains("model_repository"), metadata.toString());
        assertNotEquals("unknown", metadata.getVersion(), "the build wrote the version");
    }

    @Test
    void generateAndResourcesAreServed() {
        StatusRuntimeException generate = assertThrows(
                StatusRuntimeException.class,
                () -> InferenceServiceGrpc.newBlockingStub(channel)
                        .generate(GenerateRequest.getDefaultInstance())
                        .next());
        assertEquals(
                Status.Code.INVALID_ARGUMENT, generate.getStatus().getCode(), "Generate is served: no model named");
        assertTrue(ResourceServiceGrpc.newBlockingStub(channel)
                        .getResources(GetResourcesRequest.getDefaultInstance())
                        .getMemory()
                        .getTotalBytes()
                > 0);
    }

    @Test
    void anEmptyRepositoryListsNoModelsAndUnknownModelsAreNotFound() {
        assertEquals(
                0,
                ModelRepositoryServiceGrpc.newBlockingStub(channel)
                        .listModels(ListModelsRequest.getDefaultInstance())
                        .getModelsCount());
        StatusRuntimeException infer = assertThrows(
                StatusRuntimeException.class,
                () -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .modelInfer(ModelInferRequest.newBuilder()
                                .setModelName("nothing-here")
                                .build()));
        assertEquals(Status.Code.NOT_FOUND, infer.getStatus().getCode());
    }

    @Test
    void healthWatchTurnsNotServingOnShutdown() throws Exception {
        QueueObserver<HealthCheckResponse> seen = new QueueObserver<>();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), seen);
        assertEquals(ServingStatus.SERVING, seen.next().getStatus());
        // liveness (what a Kubernetes liveness probe asks) stays SERVING through the drain
        QueueObserver<HealthCheckResponse> live = new QueueObserver<>();
        HealthGrpc.newStub(channel)
                .watch(
                        HealthCheckRequest.newBuilder()
                                .setService(GrpcEndpoint.LIVENESS)
                                .build(),
                        live);
        assertEquals(ServingStatus.SERVING, live.next().getStatus());
        server.shutdown();
        assertEquals(ServingStatus.NOT_SERVING, seen.next().getStatus());
        assertEquals(null, live.nextWithin(java.time.Duration.ofMillis(300)), "no change of liveness");
        assertEquals(ServingPhase.STOPPED, server.phase());
        assertFalse(server.phase().isLive());
    }
}
