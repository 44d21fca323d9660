package io.llmaos.server.scheduler;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.request.Names;
import io.llmaos.server.model.repository.ConfigLimits;
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
    private static final int MAX_TENANTS = 1024;
    private static final long MAX_WEIGHT = 1_000_000;
    private static final double MAX_RATE = 1e9;

    private final AtomicReference<SchedulingPolicy> serverDefault =
            new AtomicReference<>(SchedulingPolicy.getDefaultInstance());
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
        if (p.hasQueue()) {
            ConfigLimits.queue("policy.queue", p.getQueue(), v);
        }
        if (p.getTenantsCount() > MAX_TENANTS) {
            v.add(new FieldViolation(
                    "policy.tenants",
                    "lists " + p.getTenantsCount() + " tenants; at most " + MAX_TENANTS + " are allowed"));
            return v;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < p.getTenantsCount(); i++) {
            TenantPolicy t = p.getTenants(i);
            String at = "policy.tenants[" + i + "]";
            if (!Names.isTenant(t.getName())) {
                v.add(new FieldViolation(at + ".name", Names.TENANT_RULE));
            } else if (!names.add(t.getName())) {
                v.add(new FieldViolation(
                        at + ".name", "'" + io.llmaos.server.core.error.Echo.cut(t.getName()) + "' is listed twice"));
            }
            tenant(at, t, v);
        }
        if (p.hasDefaultTenant()) {
            tenant("policy.default_tenant", p.getDefaultTenant(), v);
        }
        if (config != null && p.hasDynamicBatching()) {
            ConfigLimits.batching(
                    "policy.dynamic_batching",
                    p.getDynamicBatching(),
                    ConfigLimits.unsigned(config.getMaxBatchSize()),
                    v);
        }
        if (p.hasInstances()) {
            ConfigLimits.instances("policy.instances", p.getInstances(), v);
        }
        return v;
    }

    private static void tenant(String at, TenantPolicy t, List<FieldViolation> v) {
        double rps = t.getQuota().getMaxRequestsPerSecond();
        if (!(rps >= 0 && rps <= MAX_RATE)) {
            v.add(new FieldViolation(at + ".quota.max_requests_per_second", "must be between 0 and " + MAX_RATE));
        }
        if (ConfigLimits.unsigned(t.getWeight()) > MAX_WEIGHT) {
            v.add(new FieldViolation(at + ".weight", "must be at most " + MAX_WEIGHT));
        }
        if (ConfigLimits.unsigned(t.getQuota().getMaxInFlight()) > ConfigLimits.MAX_QUEUE_SIZE) {
            v.add(new FieldViolation(at + ".quota.max_in_flight", "must be at most " + ConfigLimits.MAX_QUEUE_SIZE));
        }
        if (ConfigLimits.unsigned(t.getQuota().getBurst()) > MAX_RATE) {
            v.add(new FieldViolation(at + ".quota.burst", "must be at most " + MAX_RATE));
        }
    }
}
