package io.llmaos.server.api;

import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.ModelRepositoryParameter;
import io.llmaos.proto.oip.RepositoryIndexRequest;
import io.llmaos.proto.oip.RepositoryIndexResponse;
import io.llmaos.proto.oip.RepositoryModelLoadRequest;
import io.llmaos.proto.oip.RepositoryModelLoadResponse;
import io.llmaos.proto.oip.RepositoryModelUnloadRequest;
import io.llmaos.proto.oip.RepositoryModelUnloadResponse;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.api.mapping.TritonConfigMapping;
import io.llmaos.server.api.mapping.TritonConfigReader;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.model.lifecycle.ModelState;
import io.llmaos.server.model.lifecycle.ModelStatus;
import io.llmaos.server.model.lifecycle.VersionStatus;
import io.llmaos.server.model.repository.ModelRepository;
import java.util.Map;

/**
 * Triton's model repository extension of the Open Inference Protocol service: index, load (with a
 * configuration of ours or Triton's) and unload; and the status lookup the metadata RPCs share.
 */
abstract class OipRepositoryApi extends OipSettingsApi {
    final LifecycleController models;

    OipRepositoryApi(OipServices s) {
        super(s);
        this.models = s.models();
    }

    /**
     * The status of model {@code name} having {@code version} (0 = any): a loaded model answers from
     * memory; the repository is read only for one that is not. NOT_FOUND for no such model or version.
     */
    ModelStatus status(String name, long version) {
        ModelStatus s = models.registry()
                .loadedStatus(name)
                .filter(l -> version == 0 || l.versions().stream().anyMatch(v -> v.version() == version))
                .orElseGet(() -> models.status(name));
        if (version != 0 && s.versions().stream().noneMatch(v -> v.version() == version)) {
            throw LlmaosException.notFound("model '" + s.name() + "' has no version " + version);
        }
        return s;
    }

    /**
     * Triton's answer to a named repository: this server serves one repository, so repository_name
     * must be empty (UNIMPLEMENTED otherwise, as Triton's "not supported").
     */
    private static void requireNoRepositoryName(String name) {
        if (!name.isEmpty()) {
            throw new LlmaosException(
                    ErrorCode.UNIMPLEMENTED,
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
                    return models.load(request.getModelName(), override(request.getParametersMap()));
                },
                s -> RepositoryModelLoadResponse.getDefaultInstance());
    }

    /**
     * The configuration a load's parameters give: "config" as ours or Triton's (proto JSON), or null.
     * Triton's "file:" parameters (model files sent with the request) are refused: models come from
     * the repository on disk only; so is any other parameter.
     */
    private static ModelConfig override(Map<String, ModelRepositoryParameter> parameters) {
        for (String key : parameters.keySet()) {
            if (key.startsWith("file:")) {
                throw new InvalidInputException(
                        "parameters[" + Echo.cut(key) + "]",
                        "model files cannot be sent with a load: put them in the model repository");
            }
            if (!key.equals("config")) {
                throw new InvalidInputException(
                        "parameters[" + Echo.cut(key) + "]", "is not a load parameter (only \"config\" is)");
            }
        }
        ModelRepositoryParameter config = parameters.get("config");
        if (config == null) {
            return null;
        }
        if (config.getParameterChoiceCase() != ModelRepositoryParameter.ParameterChoiceCase.STRING_PARAM) {
            throw new InvalidInputException("parameters[config]", "must be a string_param holding JSON");
        }
        String json = config.getStringParam();
        return TritonConfigMapping.isTriton(json)
                ? TritonConfigReader.read(json)
                : ModelRepository.parseConfig(json, "parameters[config]");
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
}
