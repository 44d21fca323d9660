package io.llmaos.server.scheduler;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.server.core.FieldViolation;
import io.llmaos.server.core.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scheduling policies set through SchedulerService: a server-wide default (tenants for every
 * model without its own) and per-model policies laid over each model's configuration. Validated on
 * the way in; thread-safe.
 */
public final class SchedulingPolicies {
    private static final java.util.regex.Pattern TENANT = java.util.regex.Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    private final AtomicReference<SchedulingPolicy> serverDefault = new AtomicReference<>(SchedulingPolicy.getDefaultInstance());
    private final Map<String, SchedulingPolicy> perModel = new ConcurrentHashMap<>();

    /** The rules in force for model {@code name} with {@code config}. */
    ModelPolicy forModel(String name, ModelConfig config) {
        return ModelPolicy.of(config, perModel.get(name), serverDefault.get());
    }

    /** The server-wide default as set (tenants only matter there). */
    SchedulingPolicy serverDefault() {
        return serverDefault.get();
    }

    /**
     * Validates and stores {@code policy} (its model_name picks the model, empty = server-wide).
     * {@code config} is the model's configuration (null for the server-wide default).
     */
    void set(SchedulingPolicy policy, ModelConfig config) {
        List<FieldViolation> v = validate(policy, config);
        if (!v.isEmpty()) {
            throw new InvalidInputException(v);
        }
        if (policy.getModelName().isEmpty()) {
            serverDefault.set(policy);
        } else {
            perModel.put(policy.getModelName(), policy);
        }
    }

    static List<FieldViolation> validate(SchedulingPolicy p, ModelConfig config) {
        List<FieldViolation> v = new ArrayList<>();
        List<PriorityLevel> levels = p.getQueue().getLevelsList();
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).getLevel() != i + 1) {
                v.add(new FieldViolation("policy.queue.levels[" + i + "].level", "levels are numbered 1.."
                        + levels.size() + " in order"));
            }
        }
        if (p.getQueue().getDefaultPriority() > Math.max(1, levels.size())) {
            v.add(new FieldViolation("policy.queue.default_priority", "must be between 1 and " + Math.max(1, levels.size())));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < p.getTenantsCount(); i++) {
            TenantPolicy t = p.getTenants(i);
            String at = "policy.tenants[" + i + "]";
            if (!TENANT.matcher(t.getName()).matches()) {
                v.add(new FieldViolation(at + ".name", "tenant names are 1-64 characters of [A-Za-z0-9._:@-]"));
            } else if (!names.add(t.getName())) {
                v.add(new FieldViolation(at + ".name", "'" + io.llmaos.server.core.Echo.cut(t.getName()) + "' is listed twice"));
            }
            if (t.getQuota().getMaxRequestsPerSecond() < 0 || Double.isNaN(t.getQuota().getMaxRequestsPerSecond())) {
                v.add(new FieldViolation(at + ".quota.max_requests_per_second", "must be >= 0"));
            }
        }
        if (config != null) {
            for (int i = 0; i < p.getDynamicBatching().getPreferredBatchSizesCount(); i++) {
                int size = p.getDynamicBatching().getPreferredBatchSizes(i);
                if (size < 1 || size > Math.max(1, config.getMaxBatchSize())) {
                    v.add(new FieldViolation("policy.dynamic_batching.preferred_batch_sizes[" + i + "]",
                            "must be between 1 and the model's max_batch_size (" + config.getMaxBatchSize() + ")"));
                }
            }
        }
        if (p.hasInstances() && p.getInstances().getMax() != 0 && p.getInstances().getMax() < p.getInstances().getMin()) {
            v.add(new FieldViolation("policy.instances.max", "must be at least instances.min"));
        }
        return v;
    }
}
