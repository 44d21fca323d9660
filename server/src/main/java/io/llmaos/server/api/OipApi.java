package io.llmaos.server.api;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.ModelConfigRequest;
import io.llmaos.proto.oip.ModelConfigResponse;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelMetadataResponse;
import io.llmaos.proto.oip.ModelReadyRequest;
import io.llmaos.proto.oip.ModelReadyResponse;
import io.llmaos.proto.oip.ModelStatisticsRequest;
import io.llmaos.proto.oip.ModelStatisticsResponse;
import io.llmaos.proto.oip.ModelStreamInferResponse;
import io.llmaos.proto.oip.ServerLiveRequest;
import io.llmaos.proto.oip.ServerLiveResponse;
import io.llmaos.proto.oip.ServerMetadataRequest;
import io.llmaos.proto.oip.ServerMetadataResponse;
import io.llmaos.proto.oip.ServerReadyRequest;
import io.llmaos.proto.oip.ServerReadyResponse;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.TensorMetadata;
import io.llmaos.server.api.interceptor.TenantInterceptor;
import io.llmaos.server.api.mapping.Classification;
import io.llmaos.server.api.mapping.ModelMapping;
import io.llmaos.server.api.mapping.OipMapping;
import io.llmaos.server.api.mapping.SharedMemory;
import io.llmaos.server.api.mapping.ShmRef;
import io.llmaos.server.api.mapping.StatisticsMapping;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.api.mapping.TritonConfigMapping;
import io.llmaos.server.api.mapping.TritonLlm;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.ServerStatus;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.engine.ServingKind;
import io.llmaos.server.model.lifecycle.ModelState;
import io.llmaos.server.model.lifecycle.ModelStatus;
import io.llmaos.server.scheduler.Dispatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The KServe Open Inference Protocol v2 service with Triton's extensions, answered from the same
 * lifecycle and scheduler as the llmaos.v1 services. ModelInfer reads Triton's "priority" and
 * "timeout" (microseconds) parameters; a GENERATIVE model takes Triton's LLM convention
 * ({@link TritonLlm}). The repository, shared-memory, trace and log extensions are in the classes
 * this one extends.
 */
final class OipApi extends OipRepositoryApi {
    /** The protocol extensions implemented here, as Triton names them. */
    static final List<String> EXTENSIONS = List.of(
            "classification",
            "model_repository",
            "model_repository(unload_dependents)",
            "schedule_policy",
            "model_configuration",
            "system_shared_memory",
            "statistics",
            "parameters",
            "trace",
            "logging");

    private final ServerStatus status;
    private final BuildInfo buildInfo;
    private final Dispatcher scheduler;
    private final Clock clock;
    private final TensorSeam seam;
    private final RequestEnds access;
    private final int maxPromptBytes;

    OipApi(OipServices s, int maxElementBytes, int maxPromptBytes) {
        super(s);
        this.status = s.status();
        this.buildInfo = s.buildInfo();
        this.scheduler = s.scheduler();
        this.clock = s.clock();
        this.seam = new TensorSeam(s.scheduler(), s.clock(), maxElementBytes, s.access());
        this.access = s.access();
        this.maxPromptBytes = maxPromptBytes;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        Replies.answer(
                response,
                () -> ServerLiveResponse.newBuilder()
                        .setLive(status.phase().isLive())
                        .build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        Replies.answer(
                response,
                () -> ServerReadyResponse.newBuilder()
                        .setReady(status.phase().isReady())
                        .build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        Replies.answer(
                response,
                () -> ServerMetadataResponse.newBuilder()
                        .setName(buildInfo.name())
                        .setVersion(buildInfo.version())
                        .addAllExtensions(EXTENSIONS)
                        .build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        Replies.answer(response, () -> {
            // answered from memory; the repository is read only for a version that is not ready,
            // to tell a version that does not exist (NOT_FOUND, as Triton answers) from one not loaded
            long version = OipMapping.version(request.getVersion(), "version");
            boolean ready = models.registry().ready(request.getName(), version);
            if (!ready && version != 0) {
                status(request.getName(), version);
            }
            return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        Replies.answer(response, () -> {
            ModelStatus s = status(request.getName(), OipMapping.version(request.getVersion(), "version"));
            ModelConfig c = s.config();
            ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder()
                    .setName(s.name())
                    .setPlatform(
                            c.getEngine() == io.llmaos.proto.v1.Engine.ENGINE_UNSPECIFIED
                                    ? ""
                                    : EngineType.valueOf(c.getEngine().name()).platform());
            s.versions().stream()
                    .filter(v -> v.state() == ModelState.READY)
                    .forEach(v -> b.addVersions(String.valueOf(v.version())));
            if (c.getKind() == ModelKind.GENERATIVE) {
                TritonLlm.inputs().forEach(t -> b.addInputs(metadata(t.name(), t.datatype(), t.shape())));
                TritonLlm.outputs().forEach(t -> b.addOutputs(metadata(t.name(), t.datatype(), t.shape())));
            } else {
                ModelMapping.inputs(c).forEach(t -> b.addInputs(metadata(t)));
                ModelMapping.outputs(c).forEach(t -> b.addOutputs(metadata(t)));
            }
            return b.build();
        });
    }

    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> response) {
        Replies.answer(response, () -> {
            ModelStatus s = status(request.getName(), OipMapping.version(request.getVersion(), "version"));
            return ModelConfigResponse.newBuilder()
                    .setConfig(TritonConfigMapping.toTriton(s.name(), s.config(), scheduler.policy(s.name())))
                    .build();
        });
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> response) {
        Replies.answer(response, () -> {
            long version = OipMapping.version(request.getVersion(), "version");
            var copies = scheduler.executionStats(request.getName(), version);
            if (copies.isEmpty() && !request.getName().isEmpty()) {
                // as Triton: statistics are of a loaded model (version)
                throw new LlmaosException(
                        io.llmaos.server.core.error.ErrorCode.MODEL_NOT_READY,
                        "model '" + io.llmaos.server.core.error.Echo.cut(request.getName()) + "'"
                                + (version == 0 ? "" : " version " + version) + " is not loaded");
            }
            ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
            copies.forEach(c -> b.addModelStats(StatisticsMapping.statistics(c)));
            return b.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        long received = clock.nanoTime();
        Replies.after(response, () -> infer(Context.current(), request, received), r -> r);
    }

    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> responses) {
        ServerCallStreamObserver<ModelStreamInferResponse> call =
                (ServerCallStreamObserver<ModelStreamInferResponse>) responses;
        call.disableAutoRequest();
        StreamSession<ModelInferRequest, ModelStreamInferResponse> session =
                new StreamSession<>(call, Context.current(), this::answer);
        call.request(InferenceApi.STREAM_WINDOW);
        return session;
    }

    /** Answers one request of a ModelStreamInfer: one response, or a generation's stream of them. */
    private void answer(
            Context context,
            ModelInferRequest request,
            long sequence,
            StreamSession.Responder<ModelStreamInferResponse> out) {
        long received = clock.nanoTime();
        TritonGeneration.Sink sink = new TritonGeneration.Sink() {
            @Override
            public void send(ModelInferResponse r) {
                out.send(ModelStreamInferResponse.newBuilder()
                        .setInferResponse(r)
                        .build());
            }

            @Override
            public void end() {
                out.end();
            }

            @Override
            public void fail(Throwable error) {
                io.grpc.StatusRuntimeException status = StatusMapper.toStatusException(error);
                ModelInferResponse.Builder failed = ModelInferResponse.newBuilder()
                        .setModelName(request.getModelName())
                        .setModelVersion(request.getModelVersion())
                        .setId(request.getId());
                // Triton's stream says only error_message; its code and retry delay ride along as
                // parameters, so an HTTP front answers with the status they mean (404, 429 + Retry-After)
                failed.putParameters(
                        StatusMapper.STREAM_ERROR_CODE,
                        io.llmaos.proto.oip.InferParameter.newBuilder()
                                .setStringParam(status.getStatus().getCode().name())
                                .build());
                java.time.Duration retry = StatusMapper.retryAfter(status);
                if (retry != null) {
                    failed.putParameters(
                            StatusMapper.STREAM_RETRY_AFTER_MS,
                            io.llmaos.proto.oip.InferParameter.newBuilder()
                                    .setInt64Param(retry.toMillis())
                                    .build());
                }
                out.send(ModelStreamInferResponse.newBuilder()
                        .setErrorMessage(status.getStatus().getDescription())
                        .setInferResponse(failed)
                        .build());
                out.end();
            }
        };
        CompletableFuture<ModelInferResponse> single;
        try {
            single = run(context, request, received, true, sink);
        } catch (RuntimeException e) {
            single = CompletableFuture.failedFuture(e);
        }
        single.whenComplete((r, error) -> {
            if (error != null) {
                sink.fail(error);
            } else if (r != null) {
                sink.send(r.toBuilder()
                        .putParameters(
                                TritonLlm.FINAL_RESPONSE,
                                io.llmaos.proto.oip.InferParameter.newBuilder()
                                        .setBoolParam(true)
                                        .build())
                        .build());
                sink.end();
            }
        });
    }

    /** The unary ModelInfer: a tensor model's result, or a generation's whole text. */
    private CompletableFuture<ModelInferResponse> infer(Context context, ModelInferRequest request, long received) {
        CompletableFuture<ModelInferResponse> whole = new CompletableFuture<>();
        CompletableFuture<ModelInferResponse> single =
                run(context, request, received, false, new TritonGeneration.Sink() {
                    private ModelInferResponse last;

                    @Override
                    public void send(ModelInferResponse r) {
                        last = r;
                    }

                    @Override
                    public void end() {
                        whole.complete(last);
                    }

                    @Override
                    public void fail(Throwable error) {
                        whole.completeExceptionally(error);
                    }
                });
        return single.thenCompose(r -> r != null ? CompletableFuture.completedFuture(r) : whole);
    }

    /**
     * Runs {@code request}: a future of a tensor model's response; or, for a GENERATIVE model, a future
     * of null, its responses going to {@code generation} (one per text delta when {@code onStream}
     * and the request asks to stream).
     */
    private CompletableFuture<ModelInferResponse> run(
            Context context,
            ModelInferRequest request,
            long received,
            boolean onStream,
            TritonGeneration.Sink generation) {
        String api = onStream ? "model_stream_infer" : "model_infer";
        long version;
        CompletableFuture<io.llmaos.server.model.lifecycle.ServedCopy> copy;
        try {
            if (request.getModelName().isEmpty()) {
                throw new InvalidInputException("model_name", "is required");
            }
            version = OipMapping.version(request.getModelVersion(), "model_version");
            copy = models.resolveAsync(request.getModelName(), version);
        } catch (RuntimeException e) {
            access.refused(api, context, request.getModelName(), request.getId(), received, false, e);
            throw e;
        }
        copy.whenComplete((c, e) -> {
            if (e != null) {
                access.refused(api, context, request.getModelName(), request.getId(), received, false, e);
            }
        });
        java.util.function.Function<io.llmaos.server.model.lifecycle.ServedCopy, CompletableFuture<ModelInferResponse>>
                then = c -> {
                    if (c.spec().kind() != ServingKind.GENERATIVE) {
                        return tensorInfer(api, context, request, received, version);
                    }
                    try {
                        generate(context, request, received, version, onStream, generation);
                    } catch (RuntimeException e) {
                        access.refused(api, context, request.getModelName(), request.getId(), received, true, e);
                        throw e;
                    }
                    return CompletableFuture.completedFuture(null);
                };
        return copy.isDone() && !copy.isCompletedExceptionally() ? then.apply(copy.join()) : copy.thenCompose(then);
    }

    private void generate(
            Context context,
            ModelInferRequest request,
            long received,
            long version,
            boolean onStream,
            TritonGeneration.Sink sink) {
        TritonLlm.LlmRequest llm = TritonLlm.read(request, maxPromptBytes);
        GenerationRequest g = GrpcCalls.generation(
                context,
                clock,
                received,
                new GenerationRequest(
                        request.getModelName(),
                        version,
                        request.getId(),
                        llm.prompt(),
                        null,
                        llm.sampling(),
                        OipMapping.priority(request),
                        true,
                        OipMapping.timeout(request),
                        "",
                        Long.MAX_VALUE,
                        received,
                        io.llmaos.server.core.request.Cancellation.NONE,
                        null),
                access,
                onStream ? "model_stream_infer" : "model_infer");
        scheduler.generate(
                g,
                LoggedGeneration.of(
                        new TritonGeneration(
                                request.getModelName(), request.getId(), onStream && llm.stream(), onStream, sink),
                        access,
                        onStream ? "model_stream_infer" : "model_infer",
                        g));
    }

    private CompletableFuture<ModelInferResponse> tensorInfer(
            String api, Context context, ModelInferRequest request, long received, long version) {
        Map<String, Integer> classes = Classification.counts(request);
        Map<String, ShmRef> sharedOutputs = OipMapping.sharedOutputs(request);
        SharedMemory shm = regions.of(TenantInterceptor.of(context));
        return seam.submit(
                context,
                received,
                new TensorSeam.Call(
                        api,
                        request.getModelName(),
                        version,
                        request.getId(),
                        OipMapping.priority(request),
                        true,
                        OipMapping.timeout(request)),
                (spec, limits) -> OipMapping.inputs(request, spec, limits, shm),
                (spec, result) -> OipMapping.response(request, result, spec, classes, sharedOutputs, shm));
    }

    private static ModelMetadataResponse.TensorMetadata metadata(TensorMetadata t) {
        return metadata(t.getName(), t.getDatatype(), t.getShapeList());
    }

    private static ModelMetadataResponse.TensorMetadata metadata(
            String name, io.llmaos.proto.v1.DataType type, List<Long> shape) {
        return ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(name)
                .setDatatype(type.name())
                .addAllShape(shape)
                .build();
    }
}
