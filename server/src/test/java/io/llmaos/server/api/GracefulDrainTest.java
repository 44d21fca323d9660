package io.llmaos.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Empty;
import com.google.rpc.ErrorInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ServerLiveRequest;
import io.llmaos.proto.oip.ServerReadyRequest;
import io.llmaos.server.TestSettings;
import io.llmaos.server.config.Setting;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.ServerStatus;
import io.llmaos.server.core.runtime.ServingPhase;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.djl.DjlRuntime;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.model.repository.ModelRepository;
import io.llmaos.server.resource.MachineProbe;
import io.llmaos.server.resource.ProcessMemory;
import io.llmaos.server.resource.ResourceMonitor;
import io.llmaos.server.scheduler.Dispatcher;
import io.llmaos.server.scheduler.SchedulingPolicies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graceful drain on a real endpoint: in-flight work finishes, new work is refused, probes answer. */
class GracefulDrainTest {
    @TempDir
    Path models;

    private final ServerStatus status = new ServerStatus();
    private final LatchService latch = new LatchService(() -> new IllegalStateException("boom"));
    private ManagedChannel channel;

    private GrpcEndpoint start() throws Exception {
        LifecycleController manager = new LifecycleController(
                new ModelRepository(models),
                new EngineRegistry(DjlRuntime.engines(1)),
                new ProcessMemory(),
                Clock.system(),
                Executors.newSingleThreadExecutor());
        GrpcEndpoint endpoint = GrpcEndpoint.builder(
                        TestSettings.loopback(models, Map.of(Setting.EXECUTOR_THREADS, "4")),
                        status,
                        BuildInfo.fromClasspath())
                .models(manager)
                .scheduler(new Dispatcher(
                        manager,
                        new SchedulingPolicies(),
                        Clock.system(),
                        new io.llmaos.server.resource.EngineBudget(2, 0)))
                .resources(new ResourceMonitor(
                        new MachineProbe(models, new ProcessMemory()),
                        Duration.ofSeconds(1),
                        io.llmaos.server.core.runtime.Clock.system()))
                .service(latch)
                .build();
        endpoint.start();
        status.moveTo(ServingPhase.SERVING);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", endpoint.port())
                .usePlaintext()
                .build();
        return endpoint;
    }

    @AfterEach
    void closeChannel() throws Exception {
        latch.release.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void inFlightCallCompletesWhileNewCallsAreRefused() throws Exception {
        GrpcEndpoint endpoint = start();
        ListenableFuture<Empty> inFlight = ClientCalls.futureUnaryCall(
                channel.newCall(LatchService.WAIT, CallOptions.DEFAULT), Empty.getDefaultInstance());
        assertTrue(latch.entered.await(10, TimeUnit.SECONDS));

        CompletableFuture<DrainReport> drain =
                CompletableFuture.supplyAsync(() -> endpoint.drain(Duration.ofSeconds(30)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> status.phase() == ServingPhase.DRAINING);

        // probes still answer, with the truth
        assertEquals(
                ServingStatus.NOT_SERVING,
                HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus());
        var oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        assertFalse(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertTrue(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());

        // new work is refused with UNAVAILABLE and a reason
        StatusRuntimeException refused = assertThrows(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        channel, LatchService.WAIT, CallOptions.DEFAULT, Empty.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
        assertTrue(
                refused.getStatus().getDescription().contains("shutting down"),
                refused.getStatus().toString());
        ErrorInfo info = StatusProto.fromThrowable(refused).getDetails(0).unpack(ErrorInfo.class);
        assertEquals("SERVER_UNAVAILABLE", info.getReason());

        // the drain waits for the in-flight call, which then completes normally
        assertFalse(drain.isDone(), "the drain must wait for the in-flight call");
        latch.release.countDown();
        assertEquals(Empty.getDefaultInstance(), inFlight.get(10, TimeUnit.SECONDS));
        DrainReport report = drain.get(20, TimeUnit.SECONDS);
        assertTrue(report.completedInGrace());
        assertEquals(0, report.abandonedCalls());
        assertEquals(ServingPhase.STOPPED, status.phase());
    }

    @Test
    void callsStillRunningWhenTheGraceEndsAreCancelled() throws Exception {
        GrpcEndpoint endpoint = start();
        ListenableFuture<Empty> inFlight = ClientCalls.futureUnaryCall(
                channel.newCall(LatchService.WAIT, CallOptions.DEFAULT), Empty.getDefaultInstance());
        assertTrue(latch.entered.await(10, TimeUnit.SECONDS));

        DrainReport report = endpoint.drain(Duration.ofMillis(200));

        assertFalse(report.completedInGrace());
        assertEquals(1, report.abandonedCalls());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.SECONDS));
        Status.Code code = Status.fromThrowable(failed.getCause()).getCode();
        assertTrue(code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED, "got " + code);
    }

    @Test
    void anExceptionEscapingAServiceBecomesInternalNotUnknown() throws Exception {
        GrpcEndpoint endpoint = start();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        channel, LatchService.THROW, CallOptions.DEFAULT, Empty.getDefaultInstance()));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().startsWith("internal error (incident "),
                e.getStatus().toString());
        assertFalse(e.getStatus().getDescription().contains("boom"), "internals must not leak");
        // and the server goes on serving
        assertEquals(
                ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus());
        endpoint.drain(Duration.ofSeconds(5));
    }
}
