package io.llmaos.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The manifests of deploy/ as typed objects (fabric8 kubernetes-model): YAML streams read or rendered by
 * {@code kubectl kustomize}, each document read into the class of its kind, and every field it holds
 * known to that class (fabric8 keeps unknown fields aside in "additional properties": a misspelt
 * {@code readinesProbe} would parse and do nothing, so any such field fails here).
 */
final class Manifests {
    /** The repository's root (the tests run in deploy/). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static final Path DEPLOY = ROOT.resolve("deploy");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "ConfigMap", ConfigMap.class,
            "Secret", Secret.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class,
            "Service", Service.class,
            "Deployment", Deployment.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    private Manifests() {}

    /** The documents of a YAML stream, as trees. */
    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.createParser(yaml)) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static List<JsonNode> documents(Path file) throws IOException {
        return documents(Files.readString(file));
    }

    /** What {@code kubectl kustomize DIR} renders, or null when kubectl is not installed. */
    static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return null; // no kubectl on this machine
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + out);
        }
        return out;
    }

    /** Each document as its kind's class; fails on a kind not known here or a field its class does not have. */
    static List<HasMetadata> typed(List<JsonNode> docs) {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : docs) {
            String kind = doc.path("kind").asText();
            Class<? extends HasMetadata> type = KINDS.get(kind);
            if (type == null) {
                throw new AssertionError("a manifest of kind '" + kind + "' that no test reads: " + doc);
            }
            HasMetadata object = strict(doc, type, problems, kind);
            objects.add(object);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("fields their kinds do not have:\n  " + String.join("\n  ", problems));
        }
        return objects;
    }

    /** {@code node} as {@code type}, adding to {@code problems} each field the type does not know. */
    static <T> T strict(JsonNode node, Class<T> type, List<String> problems, String where) {
        T object = YAML.convertValue(node, type);
        unknownFields(object, where, problems);
        return object;
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> all = ofKind(objects, type);
        if (all.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + all.size());
        }
        return all.get(0);
    }

    /** Walks the JSON properties of fabric8 objects for fields kept aside as unknown. */
    private static void unknownFields(Object o, String path, List<String> problems) {
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", problems);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
            return;
        }
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0) {
                continue;
            }
            boolean additional = getter.getName().equals("getAdditionalProperties");
            JsonProperty property = getter.getAnnotation(JsonProperty.class);
            if (!additional && property == null) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError(e);
            }
            if (additional) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + property.value(), problems);
            }
        }
    }
}
