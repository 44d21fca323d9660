package io.llmaos.server.scheduler;

import io.llmaos.proto.v1.DynamicBatching;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.TimeoutAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduling rules in force for one model: its priority levels, tenants, batching and instance
 * pool, from its configuration with any policy set through SchedulerService laid over it.
 */
public record ModelPolicy(
        List<LevelPolicy> levels,
        int defaultPriority,
        Duration aging,
        Map<String, TenantRule> tenants,
        TenantRule defaultTenant,
        int maxBatchSize,
        int targetBatchSize,
        long maxQueueDelayNanos,
        int minInstances,
        int maxInstances,
        int threadsPerInstance,
        Duration scaleUpDelay,
        Duration scaleUpAfter,
        Duration scaleDownIdle) {

    public ModelPolicy {
        levels = List.copyOf(levels);
        tenants = Map.copyOf(tenants);
    }

    /** The rule for {@code tenant}. */
    public TenantRule tenant(String tenant) {
        return tenants.getOrDefault(tenant, defaultTenant);
    }

    /**
     * The policy of a model: {@code override} (a policy set for this model, or null) wins over the
     * configuration, and tenants come from it or else from {@code serverDefault}.
     */
    static ModelPolicy of(ModelConfig config, SchedulingPolicy override, SchedulingPolicy serverDefault) {
        QueuePolicy queue = override != null && override.hasQueue()
                ? override.getQueue()
                : config.hasQueue() ? config.getQueue() : serverDefault.getQueue();
        List<LevelPolicy> levels = new ArrayList<>();
        for (PriorityLevel l : queue.getLevelsList()) {
            levels.add(new LevelPolicy(
                    l.getMaxQueueSize(),
                    l.hasDefaultTimeout() ? duration(l.getDefaultTimeout()) : null,
                    l.getTimeoutAction() == TimeoutAction.DELAY,
                    l.getAllowTimeoutOverride()));
        }
        if (levels.isEmpty()) {
            levels.add(LevelPolicy.DEFAULT);
        }
        int defaultPriority = queue.getDefaultPriority() == 0 ? levels.size() : queue.getDefaultPriority();
        Duration aging = queue.hasAgingInterval() ? duration(queue.getAgingInterval()) : Duration.ofSeconds(1);

        SchedulingPolicy tenantSource =
                override != null && (override.getTenantsCount() > 0 || override.hasDefaultTenant())
                        ? override
                        : serverDefault;
        Map<String, TenantRule> tenants = new HashMap<>();
        tenantSource.getTenantsList().forEach(t -> tenants.put(t.getName(), rule(t)));
        TenantRule defaultTenant =
                tenantSource.hasDefaultTenant() ? rule(tenantSource.getDefaultTenant()) : TenantRule.DEFAULT;

        DynamicBatching batching = override != null && override.hasDynamicBatching()
                ? override.getDynamicBatching()
                : config.getDynamicBatching();
        int maxBatch = config.getMaxBatchSize();
        int target = batching.getPreferredBatchSizesList().stream()
                .mapToInt(Integer::intValue)
                .filter(s -> s <= maxBatch)
                .max()
                .orElse(maxBatch);

        InstancePolicy instances =
                override != null && override.hasInstances() ? override.getInstances() : config.getInstances();
        int min = Math.max(1, instances.getMin());
        int max = Math.max(min, instances.getMax());
        return new ModelPolicy(
                levels,
                defaultPriority,
                aging,
                tenants,
                defaultTenant,
                maxBatch,
                Math.max(1, target),
                io.llmaos.server.core.runtime.Durations.multiply(batching.getMaxQueueDelayUs(), 1000),
                min,
                max,
                Math.max(1, instances.getThreadsPerInstance()),
                instances.hasScaleUpQueueDelay() ? duration(instances.getScaleUpQueueDelay()) : Duration.ofMillis(5),
                instances.hasScaleUpAfter() ? duration(instances.getScaleUpAfter()) : Duration.ofSeconds(1),
                instances.hasScaleDownIdle() ? duration(instances.getScaleDownIdle()) : Duration.ofSeconds(60));
    }

    private static TenantRule rule(TenantPolicy t) {
        int burst = t.getQuota().getBurst() > 0
                ? t.getQuota().getBurst()
                : (int) Math.max(1, Math.ceil(t.getQuota().getMaxRequestsPerSecond()));
        return new TenantRule(
                Math.max(1, t.getWeight()),
                t.getQuota().getMaxInFlight(),
                t.getQuota().getMaxRequestsPerSecond(),
                burst);
    }

    static Duration duration(com.google.protobuf.Duration d) {
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }
}
