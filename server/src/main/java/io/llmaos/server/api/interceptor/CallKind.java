package io.llmaos.server.api.interceptor;

import io.grpc.MethodDescriptor;
import java.util.Set;

/** How the drain gate treats a method. */
enum CallKind {
    /** Health and liveness/readiness probes: always answered, even while draining, never waited for. */
    PROBE,
    /** Long-lived observers (Watch streams, reflection): refused while draining, cut at the end of a drain. */
    OBSERVER,
    /** Real work: refused while draining; a drain waits for those in flight. */
    WORK;

    private static final Set<String> PROBES = Set.of(
            "grpc.health.v1.Health/Check",
            "grpc.health.v1.Health/Watch",
            "grpc.health.v1.Health/List",
            "inference.GRPCInferenceService/ServerLive",
            "inference.GRPCInferenceService/ServerReady",
            "inference.GRPCInferenceService/ServerMetadata");

    static CallKind of(MethodDescriptor<?, ?> method) {
        if (PROBES.contains(method.getFullMethodName())) {
            return PROBE;
        }
        String service = method.getServiceName();
        String bare = method.getBareMethodName();
        if ((service != null && service.startsWith("grpc.reflection.")) || (bare != null && bare.startsWith("Watch"))) {
            return OBSERVER;
        }
        return WORK;
    }
}
