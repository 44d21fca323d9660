package io.llmaos.server.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetModelResponse;
import io.llmaos.proto.v1.ListModelsRequest;
import io.llmaos.proto.v1.ListModelsResponse;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.LoadModelResponse;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelEvent;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.proto.v1.UnloadModelResponse;
import io.llmaos.proto.v1.VersionPolicy;
import io.llmaos.proto.v1.WatchModelsRequest;
import io.llmaos.server.api.mapping.ModelMapping;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.model.lifecycle.ModelStatus;
import java.util.Set;

/** {@code llmaos.v1.ModelRepositoryService}: list, get, load, unload and watch models. */
final class ModelRepositoryApi extends ModelRepositoryServiceGrpc.ModelRepositoryServiceImplBase {
    private final LifecycleController models;

    ModelRepositoryApi(LifecycleController models) {
        this.models = models;
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        Replies.answer(response, () -> {
            ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
            models.list().stream()
                    .filter(m -> !request.getReadyOnly() || m.ready())
                    .forEach(m -> b.addModels(ModelMapping.summary(m)));
            return b.build();
        });
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> response) {
        Replies.answer(response, () -> {
            ModelStatus status = models.status(required(request.getName()));
            return GetModelResponse.newBuilder()
                    .setSummary(ModelMapping.summary(status))
                    .setConfig(status.config())
                    .addAllInputs(ModelMapping.inputs(status.config()))
                    .addAllOutputs(ModelMapping.outputs(status.config()))
                    .build();
        });
    }

    @Override
    public void loadModel(LoadModelRequest request, StreamObserver<LoadModelResponse> response) {
        Replies.after(
                response,
                () -> {
                    String name = required(request.getName());
                    ModelConfig override = request.hasConfigOverride() ? request.getConfigOverride() : null;
                    if (request.getVersion() != 0) {
                        ModelConfig base = override != null
                                ? override
                                : models.repository().read(name).config();
                        override = base.toBuilder()
                                .setVersionPolicy(VersionPolicy.newBuilder()
                                        .setSpecific(VersionPolicy.Specific.newBuilder()
                                                .addVersions(request.getVersion())))
                                .build();
                    }
                    return models.load(name, override);
                },
                s -> LoadModelResponse.newBuilder()
                        .setModel(ModelMapping.summary(s))
                        .build());
    }

    @Override
    public void unloadModel(UnloadModelRequest request, StreamObserver<UnloadModelResponse> response) {
        Replies.after(
                response,
                () -> models.unload(required(request.getName()), request.getVersion()),
                s -> UnloadModelResponse.newBuilder()
                        .setModel(ModelMapping.summary(s))
                        .build());
    }

    @Override
    public void watchModels(WatchModelsRequest request, StreamObserver<ModelEvent> response) {
        ServerCallStreamObserver<ModelEvent> call = (ServerCallStreamObserver<ModelEvent>) response;
        Set<String> names = Set.copyOf(request.getNamesList());
        Object lock = new Object();
        Runnable stop = models.registry().watch(event -> {
            if (names.isEmpty() || names.contains(event.name())) {
                ModelEvent.Builder e =
                        ModelEvent.newBuilder().setName(event.name()).setStatus(ModelMapping.version(event.status()));
                if (event.previous() != null) {
                    e.setPreviousState(ModelMapping.state(event.previous()));
                }
                synchronized (lock) {
                    if (!call.isCancelled()) {
                        call.onNext(e.build());
                    }
                }
            }
        });
        call.setOnCancelHandler(stop);
        try {
            for (ModelStatus status : models.list()) {
                if (names.isEmpty() || names.contains(status.name())) {
                    var summary = ModelMapping.summary(status);
                    synchronized (lock) {
                        summary.getVersionsList()
                                .forEach(v -> call.onNext(ModelEvent.newBuilder()
                                        .setName(status.name())
                                        .setStatus(v)
                                        .build()));
                    }
                }
            }
        } catch (RuntimeException e) {
            stop.run();
            response.onError(StatusMapper.toStatusException(e));
        }
    }

    private static String required(String name) {
        if (name.isEmpty()) {
            throw new InvalidInputException("name", "is required");
        }
        return name;
    }
}
