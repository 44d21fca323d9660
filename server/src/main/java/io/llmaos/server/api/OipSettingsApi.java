package io.llmaos.server.api;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.CudaSharedMemoryRegisterRequest;
import io.llmaos.proto.oip.CudaSharedMemoryRegisterResponse;
import io.llmaos.proto.oip.CudaSharedMemoryStatusRequest;
import io.llmaos.proto.oip.CudaSharedMemoryStatusResponse;
import io.llmaos.proto.oip.CudaSharedMemoryUnregisterRequest;
import io.llmaos.proto.oip.CudaSharedMemoryUnregisterResponse;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.LogSettingsRequest;
import io.llmaos.proto.oip.LogSettingsResponse;
import io.llmaos.proto.oip.SystemSharedMemoryRegisterRequest;
import io.llmaos.proto.oip.SystemSharedMemoryRegisterResponse;
import io.llmaos.proto.oip.SystemSharedMemoryStatusRequest;
import io.llmaos.proto.oip.SystemSharedMemoryStatusResponse;
import io.llmaos.proto.oip.SystemSharedMemoryUnregisterRequest;
import io.llmaos.proto.oip.SystemSharedMemoryUnregisterResponse;
import io.llmaos.proto.oip.TraceSettingRequest;
import io.llmaos.proto.oip.TraceSettingResponse;
import io.llmaos.server.api.interceptor.TenantInterceptor;
import io.llmaos.server.api.mapping.LogSettingsMapping;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.runtime.LogControl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server-wide extensions of the Open Inference Protocol service: system shared memory (regions of
 * the caller's tenant), trace and log settings; CUDA shared memory answers UNIMPLEMENTED (this build
 * has no CUDA).
 */
abstract class OipSettingsApi extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private static final String NO_CUDA =
            "CUDA shared memory is not supported: this build of LLMA OS has no CUDA; use system shared memory";

    final SharedMemoryRegions regions;
    private final LogControl logs;
    private final TraceSettings traces;

    OipSettingsApi(OipServices s) {
        this.traces = new TraceSettings(s.access().tracer());
        this.regions = s.regions();
        this.logs = s.logs();
    }

    /** The tenant of the current call. */
    static String tenant() {
        return TenantInterceptor.of(Context.current());
    }

    @Override
    public void systemSharedMemoryStatus(
            SystemSharedMemoryStatusRequest request, StreamObserver<SystemSharedMemoryStatusResponse> response) {
        Replies.answer(response, () -> {
            SystemSharedMemoryStatusResponse.Builder b = SystemSharedMemoryStatusResponse.newBuilder();
            for (SharedMemoryRegions.Region r : regions.status(tenant(), request.getName())) {
                b.putRegions(
                        r.name(),
                        SystemSharedMemoryStatusResponse.RegionStatus.newBuilder()
                                .setName(r.name())
                                .setKey(r.key())
                                .setOffset(r.offset())
                                .setByteSize(r.byteSize())
                                .build());
            }
            return b.build();
        });
    }

    @Override
    public void systemSharedMemoryRegister(
            SystemSharedMemoryRegisterRequest request, StreamObserver<SystemSharedMemoryRegisterResponse> response) {
        Replies.answer(response, () -> {
            regions.register(tenant(), request.getName(), request.getKey(), request.getOffset(), request.getByteSize());
            return SystemSharedMemoryRegisterResponse.getDefaultInstance();
        });
    }

    @Override
    public void systemSharedMemoryUnregister(
            SystemSharedMemoryUnregisterRequest request,
            StreamObserver<SystemSharedMemoryUnregisterResponse> response) {
        Replies.answer(response, () -> {
            regions.unregister(tenant(), request.getName());
            return SystemSharedMemoryUnregisterResponse.getDefaultInstance();
        });
    }

    @Override
    public void cudaSharedMemoryStatus(
            CudaSharedMemoryStatusRequest request, StreamObserver<CudaSharedMemoryStatusResponse> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription(NO_CUDA).asRuntimeException());
    }

    @Override
    public void cudaSharedMemoryRegister(
            CudaSharedMemoryRegisterRequest request, StreamObserver<CudaSharedMemoryRegisterResponse> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription(NO_CUDA).asRuntimeException());
    }

    @Override
    public void cudaSharedMemoryUnregister(
            CudaSharedMemoryUnregisterRequest request, StreamObserver<CudaSharedMemoryUnregisterResponse> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription(NO_CUDA).asRuntimeException());
    }

    @Override
    public void traceSetting(TraceSettingRequest request, StreamObserver<TraceSettingResponse> response) {
        Replies.answer(response, () -> {
            if (!request.getModelName().isEmpty()) {
                throw new InvalidInputException(
                        "model_name", "per-model trace settings are not supported: leave it empty (global)");
            }
            Map<String, List<String>> changes = new LinkedHashMap<>();
            request.getSettingsMap().forEach((k, v) -> changes.put(k, v.getValueList()));
            Map<String, List<String>> now = changes.isEmpty() ? traces.get() : traces.update(changes);
            TraceSettingResponse.Builder b = TraceSettingResponse.newBuilder();
            now.forEach((k, v) -> b.putSettings(
                    k,
                    TraceSettingResponse.SettingValue.newBuilder()
                            .addAllValue(v)
                            .build()));
            return b.build();
        });
    }

    @Override
    public void logSettings(LogSettingsRequest request, StreamObserver<LogSettingsResponse> response) {
        Replies.answer(response, () -> {
            if (request.getSettingsCount() > 0) {
                logs.set(LogSettingsMapping.apply(logs.get(), request));
            }
            return LogSettingsMapping.response(logs.get());
        });
    }
}
