package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.ServerTiming;
import io.llmaos.proto.v1.SetPolicyRequest;
import java.time.Duration;
import org.HdrHistogram.Recorder;

/**
 * Issue 4's priority goal on all-MiniLM-L6-v2: the p99 of priority-1 requests (a tenth of the
 * load) under twice the model's capacity, against their p99 unloaded, with the server's own split
 * of where their time went.
 */
final class ServedPriority {
    private ServedPriority() {}

    static void measure(ManagedChannel channel, ObjectNode priority, Duration warmup, Duration phase, ObjectMapper json)
            throws InterruptedException {
        var infer = InferenceServiceGrpc.newFutureStub(channel);
        setTwoLevels(SchedulerServiceGrpc.newBlockingStub(channel), BenchRequests.MINILM);
        InferRequest high = BenchRequests.text().toBuilder().setPriority(1).build();
        InferRequest low = BenchRequests.text().toBuilder().setPriority(2).build();
        double capacity = LoadGenerator.closedLoop(16, warmup, phase, () -> infer.infer(low))
                .qps();
        double unloadedP99 = LoadGenerator.closedLoop(1, warmup, phase, () -> infer.infer(high))
                .p99Us();
        Recorder serverSide = new Recorder(3);
        Recorder serverQueue = new Recorder(3);
        Recorder serverCompute = new Recorder(3);
        LoadGenerator.LongCall mixed = i -> {
            ListenableFuture<InferResponse> f = infer.infer(i % 10 == 0 ? high : low);
            if (i % 10 == 0) {
                f.addListener(
                        () -> {
                            try {
                                ServerTiming t = f.get().getTiming();
                                serverSide.recordValue(Math.max(1, t.getTotalTimeUs()));
                                serverQueue.recordValue(Math.max(1, t.getQueueTimeUs()));
                                serverCompute.recordValue(Math.max(1, t.getComputeTimeUs()));
                            } catch (Exception ignored) {
                                // counted as a failure by the generator
                            }
                        },
                        Runnable::run);
            }
            return f;
        };
        // a first overload round compiles what only overload runs (rejections, the priority
        // order under a full queue); the second is measured
        LoadGenerator.Run first = LoadGenerator.openLoop(2 * capacity, phase, mixed, i -> i % 10 == 0);
        priority.put("p1_first_overload_round_p99_us", first.p99Us());
        serverSide.reset();
        serverQueue.reset();
        serverCompute.reset();
        LoadGenerator.Run overload = LoadGenerator.openLoop(2 * capacity, phase, mixed, i -> i % 10 == 0);
        priority.put("capacity_qps", InferenceBenchmark.round(capacity));
        priority.put("offered_qps", InferenceBenchmark.round(2 * capacity));
        priority.put("p1_unloaded_p99_us", unloadedP99);
        priority.put("p1_overload_p99_us", overload.p99Us());
        priority.put(
                "p1_overload_server_side_p99_us",
                serverSide.getIntervalHistogram().getValueAtPercentile(99));
        priority.put(
                "p1_overload_server_queue_p99_us",
                serverQueue.getIntervalHistogram().getValueAtPercentile(99));
        priority.put(
                "p1_overload_server_compute_p99_us",
                serverCompute.getIntervalHistogram().getValueAtPercentile(99));
        priority.put("p1_answered", overload.latencyUs().getTotalCount());
        priority.set("failures", json.valueToTree(overload.failed()));
    }

    private static void setTwoLevels(SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler, String model) {
        scheduler.setPolicy(SetPolicyRequest.newBuilder()
                .setPolicy(SchedulingPolicy.newBuilder()
                        .setModelName(model)
                        .setQueue(QueuePolicy.newBuilder()
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(1).setMaxQueueSize(256))
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(2).setMaxQueueSize(32))
                                .setDefaultPriority(2)))
                .build());
    }
}
