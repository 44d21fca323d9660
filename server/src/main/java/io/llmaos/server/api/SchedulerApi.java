package io.llmaos.server.api;

import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.GetPolicyRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulerStats;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.WatchStatsRequest;
import io.llmaos.server.api.interceptor.AuthInterceptor;
import io.llmaos.server.api.mapping.PolicyMapping;
import io.llmaos.server.api.mapping.SchedulerMapping;
import io.llmaos.server.scheduler.Dispatcher;
import io.llmaos.server.scheduler.ModelPolicy;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * {@code llmaos.v1.SchedulerService}: statistics (now and as a stream) and live policies. With
 * authentication on, a caller without the admin role sees the statistics of its own tenant (and
 * those below it) only.
 */
final class SchedulerApi extends SchedulerServiceGrpc.SchedulerServiceImplBase {
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final Dispatcher scheduler;
    private final Watches watches;

    SchedulerApi(Dispatcher scheduler, Watches watches) {
        this.scheduler = scheduler;
        this.watches = watches;
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<SchedulerStats> response) {
        Predicate<String> visible = AuthInterceptor.visibleTenants();
        Replies.answer(response, () -> SchedulerMapping.stats(scheduler.stats(request.getModelNamesList()), visible));
    }

    @Override
    public void watchStats(WatchStatsRequest request, StreamObserver<SchedulerStats> response) {
        // taken now, on the call's thread: the samples are made on the watch timer, outside the call's context
        Predicate<String> visible = AuthInterceptor.visibleTenants();
        watches.every(
                response,
                GrpcCalls.duration(request.getInterval(), "interval"),
                DEFAULT_INTERVAL,
                () -> SchedulerMapping.stats(scheduler.stats(request.getModelNamesList()), visible));
    }

    @Override
    public void getPolicy(GetPolicyRequest request, StreamObserver<SchedulingPolicy> response) {
        Replies.answer(response, () -> {
            String model = request.getModelName();
            return model.isEmpty() ? scheduler.defaultPolicy() : PolicyMapping.policy(model, scheduler.policy(model));
        });
    }

    @Override
    public void setPolicy(SetPolicyRequest request, StreamObserver<SchedulingPolicy> response) {
        Replies.answer(response, () -> {
            String model = request.getPolicy().getModelName();
            ModelPolicy now = scheduler.setPolicy(request.getPolicy());
            return now == null ? scheduler.defaultPolicy() : PolicyMapping.policy(model, now);
        });
    }
}
