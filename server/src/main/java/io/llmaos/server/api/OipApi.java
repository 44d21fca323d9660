package io.llmaos.server.api;

import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelMetadataResponse;
import io.llmaos.proto.oip.ModelReadyRequest;
import io.llmaos.proto.oip.ModelReadyResponse;
import io.llmaos.proto.oip.ModelRepositoryParameter;
import io.llmaos.proto.oip.RepositoryIndexRequest;
import io.llmaos.proto.oip.RepositoryIndexResponse;
import io.llmaos.proto.oip.RepositoryModelLoadRequest;
import io.llmaos.proto.oip.RepositoryModelLoadResponse;
import io.llmaos.proto.oip.RepositoryModelUnloadRequest;
import io.llmaos.proto.oip.RepositoryModelUnloadResponse;
import io.llmaos.proto.oip.ServerLiveRequest;
import io.llmaos.proto.oip.ServerLiveResponse;
import io.llmaos.proto.oip.ServerMetadataRequest;
import io.llmaos.proto.oip.ServerMetadataResponse;
import io.llmaos.proto.oip.ServerReadyRequest;
import io.llmaos.proto.oip.ServerReadyResponse;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.TensorMetadata;
import io.llmaos.server.api.mapping.ModelMapping;
import io.llmaos.server.api.mapping.OipMapping;
import io.llmaos.server.codec.InputLimits;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.ServerStatus;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.model.lifecycle.ModelState;
import io.llmaos.server.model.lifecycle.ModelStatus;
import io.llmaos.server.model.lifecycle.VersionStatus;
import io.llmaos.server.model.repository.ModelRepository;
import io.llmaos.server.scheduler.Dispatcher;
import java.util.List;

/**
 * The KServe Open Inference Protocol v2 service with Triton's repository extension, answered from
 * the same lifecycle and scheduler as the llmaos.v1 services. ModelInfer reads Triton's "priority"
 * and "timeout" (microseconds) parameters.
 */
final class OipApi extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    /** The protocol extensions implemented here, as Triton names them. */
    static final List<String> EXTENSIONS = List.of("model_repository", "model_repository(unload_dependents)");

    private final ServerStatus status;
    private final BuildInfo buildInfo;
    private final LifecycleController models;
    private final Dispatcher scheduler;
    private final Clock clock;
    private final int maxElementBytes;

    OipApi(
            ServerStatus status,
            BuildInfo buildInfo,
            LifecycleController models,
            Dispatcher scheduler,
            Clock clock,
            int maxElementBytes) {
        this.maxElementBytes = maxElementBytes;
        this.status = status;
        this.buildInfo = buildInfo;
        this.models = models;
        this.scheduler = scheduler;
        this.clock = clock;
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
            // answered from memory: a readiness probe never touches the disk
            long version = OipMapping.version(request.getVersion(), "version");
            boolean ready = models.registry().ready(request.getName(), version);
            return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        Replies.answer(response, () -> {
            long version = OipMapping.version(request.getVersion(), "version");
            // a loaded model answers from memory; the repository is read only for one that is not
            ModelStatus s = models.registry()
                    .loadedStatus(request.getName())
                    .filter(l -> version == 0 || l.versions().stream().anyMatch(v -> v.version() == version))
                    .orElseGet(() -> models.status(request.getName()));
            if (version != 0 && s.versions().stream().noneMatch(v -> v.version() == version)) {
                throw LlmaosException.notFound("model '" + s.name() + "' has no version " + version);
            }
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
            ModelMapping.inputs(c).forEach(t -> b.addInputs(metadata(t)));
            ModelMapping.outputs(c).forEach(t -> b.addOutputs(metadata(t)));
            return b.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        long received = clock.nanoTime();
        Replies.after(
                response,
                () -> scheduler.onTensorModel(
                        request.getModelName(),
                        OipMapping.version(request.getModelVersion(), "model_version"),
                        copy -> {
                            ModelSpec spec = copy.spec();
                            List<Tensor> inputs =
                                    OipMapping.inputs(request, spec, InputLimits.of(spec, maxElementBytes));
                            return scheduler.submit(
                                    copy,
                                    GrpcCalls.request(
                                            clock,
                                            received,
                                            request.getModelName(),
                                            spec.ref().version(),
                                            request.getId(),
                                            inputs,
                                            OipMapping.priority(request),
                                            OipMapping.timeout(request)));
                        }),
                result -> OipMapping.response(request, result));
    }

    /**
     * Triton's answer to a named repository: this server serves one repository, so repository_name
     * must be empty (UNIMPLEMENTED otherwise, as Triton's "not supported").
     */
    private static void requireNoRepositoryName(String name) {
        if (!name.isEmpty()) {
            throw new LlmaosException(
                    io.llmaos.server.core.error.ErrorCode.UNIMPLEMENTED,
                    "repository_name is not supported:"
                            + " this server serves one model repository; leave repository_name empty");
        }
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> response) {
        Replies.answer(response, () -> {
            requireNoRepositoryName(request.getRepositoryName());
            RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
            for (ModelStatus s : models.list()) {
                if (s.versions().isEmpty() && !request.getReady()) {
                    b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
                            .setName(s.name())
                            .setState(ModelState.UNAVAILABLE.name())
                            .setReason(s.configError()));
                }
                for (VersionStatus v : s.versions()) {
                    if (!request.getReady() || v.state() == ModelState.READY) {
                        b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
                                .setName(s.name())
                                .setVersion(String.valueOf(v.version()))
                                .setState(v.state().name())
                                .setReason(v.reason()));
                    }
                }
            }
            return b.build();
        });
    }

    @Override
    public void repositoryModelLoad(
            RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> response) {
        Replies.after(
                response,
                () -> {
                    requireNoRepositoryName(request.getRepositoryName());
                    ModelConfig override = null;
                    ModelRepositoryParameter config = request.getParametersMap().get("config");
                    if (config != null) {
                        override = ModelRepository.parseConfig(config.getStringParam(), "parameters[config]");
                    }
                    return models.load(request.getModelName(), override);
                },
                s -> RepositoryModelLoadResponse.getDefaultInstance());
    }

    @Override
    public void repositoryModelUnload(
            RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> response) {
        Replies.after(
                response,
                () -> {
                    requireNoRepositoryName(request.getRepositoryName());
                    return models.unload(request.getModelName(), 0);
                },
                s -> RepositoryModelUnloadResponse.getDefaultInstance());
    }

    private static ModelMetadataResponse.TensorMetadata metadata(TensorMetadata t) {
        return ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(t.getName())
                .setDatatype(t.getDatatype().name())
                .addAllShape(t.getShapeList())
                .build();
    }
}
