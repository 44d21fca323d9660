package io.llmaos.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.llmaos.server.config.ServerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kserve: the ServingRuntime runs the image's launcher with flags the server accepts, the
 * model repository where KServe's storage initializer puts it (/mnt/models), the v2 protocol over REST
 * and gRPC on the ports KServe expects (8080, and h2c for gRPC), and the InferenceService of the demo
 * models names that runtime, one of its formats and one of its protocols.
 */
class KServeManifestsTest {
    /** Where KServe's storage initializer puts the InferenceService's storageUri. */
    private static final String MODEL_MOUNT = "/mnt/models";

    private static final Set<String> RUNTIME_SPEC = Set.of(
            "annotations",
            "supportedModelFormats",
            "protocolVersions",
            "containers",
            "volumes",
            "multiModel",
            "disabled",
            "nodeSelector",
            "tolerations",
            "affinity",
            "labels",
            "imagePullSecrets",
            "replicas");

    @TempDir
    Path scratch;

    @Test
    void servingRuntimeRunsTheServerAsKServeExpects() throws Exception {
        JsonNode runtime = runtime();
        List<String> problems = new ArrayList<>();
        runtime.path("spec").fieldNames().forEachRemaining(f -> {
            if (!RUNTIME_SPEC.contains(f)) {
                problems.add("spec." + f);
            }
        });
        List<Container> containers = new ArrayList<>();
        runtime.path("spec")
                .path("containers")
                .forEach(c -> containers.add(Manifests.strict(c, Container.class, problems, "containers")));
        List<Volume> volumes = new ArrayList<>();
        runtime.path("spec")
                .path("volumes")
                .forEach(v -> volumes.add(Manifests.strict(v, Volume.class, problems, "volumes")));
        assertEquals(List.of(), problems, "fields a ServingRuntime does not have");
        assertEquals(1, containers.size());
        Container server = containers.get(0);
        assertEquals("kserve-container", server.getName(), "KServe's name for the model server's container");

        // the Secret of deploy/k8s/base: its token file is what the server reads
        List<Secret> secrets = Manifests.ofKind(
                Manifests.typed(Manifests.documents(Manifests.DEPLOY.resolve("k8s/base/secret.yaml"))), Secret.class);
        ServerSettings settings = PodCheck.settings(List.of(), secrets, volumes, server, List.of(MODEL_MOUNT), scratch);
        assertEquals(scratch.resolve(MODEL_MOUNT.substring(1)), settings.modelsDir(), "the repository KServe fills");
        assertEquals("0.0.0.0", settings.host());
        assertTrue(settings.security().authOn());
        assertEquals(8080, settings.httpPort(), "KServe's HTTP port");
        assertEquals(server.getPorts().get(0).getContainerPort(), settings.port(), "gRPC on the h2c port");
        assertEquals("h2c", server.getPorts().get(0).getName());
        assertEquals(settings.port(), server.getReadinessProbe().getGrpc().getPort());
        assertEquals(
                Set.of("v2", "grpc-v2"),
                Set.copyOf(texts(runtime.path("spec").path("protocolVersions"))),
                "the Open Inference Protocol over REST and gRPC");
        assertEquals(
                String.valueOf(settings.metricsPort()),
                runtime.path("spec")
                        .path("annotations")
                        .path("prometheus.kserve.io/port")
                        .asText());
        assertTrue(formats(runtime).containsAll(List.of("llmaos", "pytorch", "tensorflow", "onnx")));
    }

    @Test
    void inferenceServiceNamesTheRuntime() throws Exception {
        JsonNode runtime = runtime();
        List<JsonNode> docs = Manifests.documents(Manifests.DEPLOY.resolve("kserve/inferenceservice.yaml"));
        assertEquals(1, docs.size());
        JsonNode isvc = docs.get(0);
        assertEquals("serving.kserve.io/v1beta1", isvc.path("apiVersion").asText());
        assertEquals("InferenceService", isvc.path("kind").asText());
        JsonNode model = isvc.path("spec").path("predictor").path("model");
        assertEquals(
                runtime.path("metadata").path("name").asText(),
                model.path("runtime").asText());
        assertTrue(
                formats(runtime).contains(model.path("modelFormat").path("name").asText()));
        assertTrue(texts(runtime.path("spec").path("protocolVersions"))
                .contains(model.path("protocolVersion").asText()));
        assertTrue(model.path("storageUri").asText().startsWith("pvc://llmaos-models/"), "the base's model claim");
    }

    private static JsonNode runtime() throws Exception {
        List<JsonNode> docs = Manifests.documents(Manifests.DEPLOY.resolve("kserve/servingruntime.yaml"));
        assertEquals(1, docs.size());
        JsonNode runtime = docs.get(0);
        assertEquals("serving.kserve.io/v1alpha1", runtime.path("apiVersion").asText());
        assertEquals("ServingRuntime", runtime.path("kind").asText());
        return runtime;
    }

    private static List<String> formats(JsonNode runtime) {
        return StreamSupport.stream(
                        runtime.path("spec").path("supportedModelFormats").spliterator(), false)
                .map(f -> f.path("name").asText())
                .toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
