package io.llmaos.server.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.GetPolicyRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulerStats;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.WatchStatsRequest;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.scheduler.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@code llmaos.v1.SchedulerService}: statistics (now and as a stream) and live policies. */
final class SchedulerApi extends SchedulerServiceGrpc.SchedulerServiceImplBase {
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final Scheduler scheduler;
    private final ScheduledExecutorService watches = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "llmaos-scheduler-watch");
        t.setDaemon(true);
        return t;
    });

    SchedulerApi(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<SchedulerStats> response) {
        Replies.answer(response, () -> scheduler.stats(request.getModelNamesList()));
    }

    @Override
    public void watchStats(WatchStatsRequest request, StreamObserver<SchedulerStats> response) {
        ServerCallStreamObserver<SchedulerStats> call = (ServerCallStreamObserver<SchedulerStats>) response;
        Duration asked = GrpcCalls.duration(request.getInterval());
        long every = Math.max(MIN_INTERVAL.toMillis(), asked == null ? 1000 : asked.toMillis());
        ScheduledFuture<?> task = watches.scheduleAtFixedRate(() -> {
            try {
                if (!call.isCancelled()) {
                    call.onNext(scheduler.stats(request.getModelNamesList()));
                }
            } catch (RuntimeException e) {
                call.onError(StatusMapper.toStatusException(e));
                throw e;
            }
        }, 0, every, TimeUnit.MILLISECONDS);
        call.setOnCancelHandler(() -> task.cancel(false));
    }

    @Override
    public void getPolicy(GetPolicyRequest request, StreamObserver<SchedulingPolicy> response) {
        Replies.answer(response, () -> scheduler.policy(request.getModelName()));
    }

    @Override
    public void setPolicy(SetPolicyRequest request, StreamObserver<SchedulingPolicy> response) {
        Replies.answer(response, () -> scheduler.setPolicy(request.getPolicy()));
    }
}
