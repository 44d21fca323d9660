package io.llmaos.server.api.interceptor;

import io.llmaos.server.security.Role;
import java.util.Set;

/**
 * What a method needs when authentication is on. Health probes and reflection are open; the
 * inference, generation and read-only methods listed here need {@link Role#INFER}; every other
 * method, including any added later and not listed, needs {@link Role#ADMIN} (fail closed).
 */
final class MethodAccess {
    private static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    private static final Set<String> OPEN_METHODS =
            Set.of("inference.GRPCInferenceService/ServerLive", "inference.GRPCInferenceService/ServerReady");
    private static final Set<String> INFER_METHODS = Set.of(
            "llmaos.v1.InferenceService/Infer",
            "llmaos.v1.InferenceService/InferStream",
            "llmaos.v1.InferenceService/Generate",
            "llmaos.v1.ModelRepositoryService/ListModels",
            "llmaos.v1.ModelRepositoryService/GetModel",
            "llmaos.v1.ModelRepositoryService/WatchModels",
            "llmaos.v1.SchedulerService/GetStats",
            "llmaos.v1.SchedulerService/WatchStats",
            "llmaos.v1.SchedulerService/GetPolicy",
            "llmaos.v1.ResourceService/GetResources",
            "llmaos.v1.ResourceService/WatchResources",
            "inference.GRPCInferenceService/ModelReady",
            "inference.GRPCInferenceService/ServerMetadata",
            "inference.GRPCInferenceService/ModelMetadata",
            "inference.GRPCInferenceService/ModelInfer",
            "inference.GRPCInferenceService/ModelStreamInfer",
            "inference.GRPCInferenceService/ModelConfig",
            "inference.GRPCInferenceService/ModelStatistics",
            "inference.GRPCInferenceService/RepositoryIndex",
            // a tenant's regions: registering and unregistering them is management (admin)
            "inference.GRPCInferenceService/SystemSharedMemoryStatus",
            "inference.GRPCInferenceService/CudaSharedMemoryStatus");

    private MethodAccess() {}

    /** The role {@code fullMethodName} needs, or null when it is open to anyone. */
    static Role needed(String serviceName, String fullMethodName) {
        if (OPEN_SERVICES.contains(serviceName) || OPEN_METHODS.contains(fullMethodName)) {
            return null;
        }
        return INFER_METHODS.contains(fullMethodName) ? Role.INFER : Role.ADMIN;
    }
}
