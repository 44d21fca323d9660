package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LevelStats;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.TenantQuota;
import io.llmaos.proto.v1.TenantStats;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import io.llmaos.server.model.engine.djl.DjlRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure at each step of the request path, one after another on one server: before admission,
 * at admission (priority, quota, queue bound), while queued (deadline, cancel, unload), in the
 * engine (an exception, an Error, out of memory, outputs of the wrong size). Each request ends in one
 * answer with its meaningful code, and after each step nothing is left queued or in flight.
 */
class FailureInjectionTest {
    private static final Path SPIN = Path.of("src", "test", "resources", "models", "spin");

    @TempDir
    Path dir;

    private final AtomicReference<FaultyEngine.Fault> fault = new AtomicReference<>(FaultyEngine.Fault.NONE);
    private TestServer server;

    @Test
    void everyStepOfTheRequestPathGivesItsHoldBack() throws Exception {
        TempRepository.copyTree(SPIN.resolve("1"), dir.resolve("spin/1"));
        Files.writeString(
                dir.resolve("spin/config.json"),
                "{\"kind\": \"TENSOR\", \"engine\": \"PYTORCH\","
                        + " \"max_batch_size\": 32, \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [64]}],"
                        + " \"outputs\": [{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [64]}],"
                        + " \"dynamic_batching\": {\"preferred_batch_sizes\": [2], \"max_queue_delay_us\": 50000},"
                        + " \"instances\": {\"min\": 1, \"max\": 1, \"threads_per_instance\": 1},"
                        + " \"queue\": {\"levels\": [{\"level\": 1, \"max_queue_size\": 4}, {\"level\": 2, \"max_queue_size\": 4}]}}");
        List<io.llmaos.server.model.engine.InferenceEngine> engines = new ArrayList<>();
        DjlRuntime.engines(1).forEach(e -> engines.add(new FaultyEngine(e, fault)));
        server = TestServer.start(dir, "spin", Map.of(), engines);
        try {
            steps();
        } finally {
            server.close();
        }
    }

    private void steps() throws Exception {
        InferRequest spin = DemoRequests.spinRequest(0, "r");
        // before admission: no such model, a priority the model does not have
        expect(
                Set.of(Status.Code.NOT_FOUND, Status.Code.UNAVAILABLE),
                call(spin.toBuilder().setModelName("nope").build()));
        expect(
                Set.of(Status.Code.INVALID_ARGUMENT),
                call(spin.toBuilder().setPriority(9).build()));
        // a timeout as long as a Duration goes: no overflow
        expect(
                Set.of(Status.Code.OK),
                call(spin.toBuilder()
                        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(315_576_000_000L))
                        .build()));
        idle();

        // at admission: a tenant over its quota, a full queue
        SchedulerServiceGrpc.newBlockingStub(server.channel())
                .setPolicy(SetPolicyRequest.newBuilder()
                        .setPolicy(SchedulingPolicy.newBuilder()
                                .setModelName("spin")
                                .addTenants(TenantPolicy.newBuilder()
                                        .setName("limited")
                                        .setQuota(TenantQuota.newBuilder().setMaxInFlight(1))))
                        .build());
        fault.set(FaultyEngine.Fault.SLOW);
        expectSome(Status.Code.RESOURCE_EXHAUSTED, concurrently(3, spin, "limited", 0, -1));
        idle();
        expectSome(Status.Code.RESOURCE_EXHAUSTED, concurrently(14, spin, null, 0, -1));
        idle();

        // while queued: the deadline passes, the caller cancels, the model is unloaded
        expectSome(Status.Code.DEADLINE_EXCEEDED, concurrently(4, spin, null, 30, -1));
        idle();
        expectSome(Status.Code.CANCELLED, concurrently(4, spin, null, 0, 20));
        idle();
        List<CompletableFuture<Status.Code>> queued = start(4, spin, null, 0, -1);
        Thread.sleep(30);
        server.repository()
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .unloadModel(UnloadModelRequest.newBuilder().setName("spin").build());
        for (CompletableFuture<Status.Code> q : queued) {
            expect(Set.of(Status.Code.OK, Status.Code.UNAVAILABLE), q.get(30, TimeUnit.SECONDS));
        }
        server.repository()
                .loadModel(LoadModelRequest.newBuilder().setName("spin").build());
        idle();

        // in the engine: an exception, an Error, out of memory (the worker is replaced), wrong outputs
        fault.set(FaultyEngine.Fault.THROW);
        expect(Set.of(Status.Code.INTERNAL), call(spin));
        fault.set(FaultyEngine.Fault.ERROR);
        expect(Set.of(Status.Code.INTERNAL), call(spin));
        fault.set(FaultyEngine.Fault.OUT_OF_MEMORY);
        expect(Set.of(Status.Code.RESOURCE_EXHAUSTED), call(spin));
        fault.set(FaultyEngine.Fault.WRONG_ROWS);
        expect(Set.of(Status.Code.INTERNAL), call(spin));
        expectSome(Status.Code.INTERNAL, concurrently(2, spin, null, 0, -1));
        idle();
        fault.set(FaultyEngine.Fault.NONE);
        expect(Set.of(Status.Code.OK), call(spin));
        idle();

        // nothing holds the copy: it unloads at once
        long start = System.nanoTime();
        server.repository()
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .unloadModel(UnloadModelRequest.newBuilder().setName("spin").build());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    private Status.Code call(InferRequest request) {
        try {
            server.inference().infer(request);
            return Status.Code.OK;
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.INTERNAL) {
                assertTrue(e.getStatus().getDescription().contains("incident"), e.toString());
            }
            return e.getStatus().getCode();
        }
    }

    /** {@code n} requests at once, as {@code tenant}, with a call deadline and a cancel after so many ms (or none). */
    private List<CompletableFuture<Status.Code>> start(
            int n, InferRequest request, String tenant, long timeoutMs, long cancelMs) throws Exception {
        var stub = InferenceServiceGrpc.newFutureStub(server.channel());
        if (tenant != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        List<CompletableFuture<Status.Code>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InferRequest r = request;
            if (timeoutMs > 0) {
                stub = stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
            }
            Context.CancellableContext context = Context.current().withCancellation();
            var s = stub;
            ListenableFuture<InferResponse> f = context.wrap(() -> s.infer(r)).call();
            if (cancelMs >= 0) {
                CompletableFuture.delayedExecutor(cancelMs, TimeUnit.MILLISECONDS)
                        .execute(() -> context.cancel(null));
            }
            CompletableFuture<Status.Code> code = new CompletableFuture<>();
            f.addListener(
                    () -> {
                        try {
                            f.get();
                            code.complete(Status.Code.OK);
                        } catch (ExecutionException e) {
                            code.complete(Status.fromThrowable(e.getCause()).getCode());
                        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                            code.complete(Status.Code.CANCELLED);
                        }
                    },
                    Runnable::run);
            answers.add(code);
        }
        return answers;
    }

    private List<Status.Code> concurrently(int n, InferRequest request, String tenant, long timeoutMs, long cancelMs)
            throws Exception {
        List<Status.Code> codes = new ArrayList<>();
        for (CompletableFuture<Status.Code> f : start(n, request, tenant, timeoutMs, cancelMs)) {
            codes.add(f.get(60, TimeUnit.SECONDS));
        }
        return codes;
    }

    private static void expect(Set<Status.Code> allowed, Status.Code actual) {
        assertTrue(allowed.contains(actual), "expected one of " + allowed + ", got " + actual);
    }

    /** Every answer is OK or {@code wanted}, and {@code wanted} occurs. */
    private static void expectSome(Status.Code wanted, List<Status.Code> codes) {
        assertTrue(codes.contains(wanted), wanted + " in " + codes);
        assertTrue(EnumSet.of(Status.Code.OK, wanted).containsAll(codes), "only OK or " + wanted + ": " + codes);
    }

    /** Nothing of spin queued or in flight, at any level or tenant. */
    private void idle() {
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            for (ModelSchedulerStats s : SchedulerServiceGrpc.newBlockingStub(server.channel())
                    .getStats(GetStatsRequest.newBuilder().addModelNames("spin").build())
                    .getModelsList()) {
                for (LevelStats l : s.getLevelsList()) {
                    assertEquals(0, l.getInFlight() + l.getQueueDepth(), "level " + l.getLevel());
                }
                for (TenantStats t : s.getTenantsList()) {
                    assertEquals(0, t.getInFlight() + t.getQueueDepth(), "tenant " + t.getTenant());
                }
            }
        });
    }
}
