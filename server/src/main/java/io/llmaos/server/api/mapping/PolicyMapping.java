package io.llmaos.server.api.mapping;

import io.llmaos.proto.v1.DynamicBatching;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.TimeoutAction;
import io.llmaos.server.scheduler.LevelPolicy;
import io.llmaos.server.scheduler.ModelPolicy;
import io.llmaos.server.scheduler.TenantRule;
import java.time.Duration;
import java.util.Map;

/** The scheduling rules in force for a model as the contract's {@code SchedulingPolicy}. */
public final class PolicyMapping {
    private PolicyMapping() {}

    /** The rules in force for {@code modelName} as the contract's policy message. */
    public static SchedulingPolicy policy(String modelName, ModelPolicy p) {
        QueuePolicy.Builder queue =
                QueuePolicy.newBuilder().setDefaultPriority(p.defaultPriority()).setAgingInterval(proto(p.aging()));
        for (int i = 0; i < p.levels().size(); i++) {
            LevelPolicy l = p.levels().get(i);
            PriorityLevel.Builder level = PriorityLevel.newBuilder()
                    .setLevel(i + 1)
                    .setMaxQueueSize(l.maxSize())
                    .setTimeoutAction(l.delayOnTimeout() ? TimeoutAction.DELAY : TimeoutAction.REJECT)
                    .setAllowTimeoutOverride(l.allowTimeoutOverride());
            if (l.defaultTimeout() != null) {
                level.setDefaultTimeout(proto(l.defaultTimeout()));
            }
            queue.addLevels(level);
        }
        SchedulingPolicy.Builder b = SchedulingPolicy.newBuilder()
                .setModelName(modelName)
                .setQueue(queue)
                .setDefaultTenant(tenantProto("", p.defaultTenant()))
                .setDynamicBatching(DynamicBatching.newBuilder()
                        .setMaxQueueDelayUs(p.maxQueueDelayNanos() / 1000)
                        .addPreferredBatchSizes(p.targetBatchSize()))
                .setInstances(InstancePolicy.newBuilder()
                        .setMin(p.minInstances())
                        .setMax(p.maxInstances())
                        .setThreadsPerInstance(p.threadsPerInstance())
                        .setScaleUpQueueDelay(proto(p.scaleUpDelay()))
                        .setScaleUpAfter(proto(p.scaleUpAfter()))
                        .setScaleDownIdle(proto(p.scaleDownIdle())));
        p.tenants().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.addTenants(tenantProto(e.getKey(), e.getValue())));
        return b.build();
    }

    private static TenantPolicy tenantProto(String name, TenantRule r) {
        return TenantPolicy.newBuilder()
                .setName(name)
                .setWeight(r.weight())
                .setQuota(io.llmaos.proto.v1.TenantQuota.newBuilder()
                        .setMaxInFlight(r.maxInFlight())
                        .setMaxRequestsPerSecond(r.requestsPerSecond())
                        .setBurst(r.burst()))
                .build();
    }

    private static com.google.protobuf.Duration proto(Duration d) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(d.getSeconds())
                .setNanos(d.getNano())
                .build();
    }
}
