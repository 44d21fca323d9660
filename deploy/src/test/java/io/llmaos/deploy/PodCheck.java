package io.llmaos.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.llmaos.server.api.GrpcEndpoint;
import io.llmaos.server.config.ServerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pod's server container checked against the server: its settings, ports and probes. */
final class PodCheck {
    private PodCheck() {}

    /** The settings of {@code container} in {@code pod}, with the ConfigMaps and Secrets among {@code objects}. */
    static ServerSettings settings(
            List<HasMetadata> objects, io.fabric8.kubernetes.api.model.PodSpec pod, Container container, Path scratch)
            throws java.io.IOException {
        return settings(
                Manifests.ofKind(objects, ConfigMap.class),
                Manifests.ofKind(objects, Secret.class),
                pod.getVolumes(),
                container,
                List.of(),
                scratch);
    }

    /**
     * @param imageFolders folders the image (or the platform) provides besides the volumes
     */
    static ServerSettings settings(
            List<ConfigMap> configMaps,
            List<Secret> secrets,
            List<Volume> volumes,
            Container container,
            List<String> imageFolders,
            Path scratch)
            throws java.io.IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            String name = from.getConfigMapRef().getName();
            ConfigMap map = configMaps.stream()
                    .filter(m -> m.getMetadata().getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("envFrom names a ConfigMap not deployed: " + name));
            env.putAll(map.getData());
        }
        for (EnvVar v : container.getEnv()) {
            assertNotNull(v.getValue(), v.getName() + " has a literal value");
            env.put(v.getName(), v.getValue());
        }
        List<String> onDisk = new ArrayList<>(imageFolders);
        Map<String, String> files = new HashMap<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = volumes.stream()
                    .filter(v -> v.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("a mount of no volume: " + mount.getName()));
            onDisk.add(mount.getMountPath());
            if (volume.getSecret() != null) {
                secretFiles(secrets, volume.getSecret().getSecretName())
                        .forEach((key, text) -> files.put(mount.getMountPath() + "/" + key, text));
            }
        }
        return ServeArgs.settings(container.getArgs(), env, onDisk, files, scratch);
    }

    /** A Secret's keys and texts (none when the Secret is made elsewhere). */
    private static Map<String, String> secretFiles(List<Secret> secrets, String name) {
        Map<String, String> files = new HashMap<>();
        secrets.stream().filter(s -> s.getMetadata().getName().equals(name)).forEach(s -> {
            if (s.getStringData() != null) {
                files.putAll(s.getStringData());
            }
            if (s.getData() != null) {
                s.getData()
                        .forEach((k, v) ->
                                files.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
            }
        });
        return files;
    }

    /** The container's ports by name. */
    static Map<String, Integer> ports(Container container) {
        Map<String, Integer> ports = new HashMap<>();
        container.getPorts().forEach(p -> ports.put(p.getName(), p.getContainerPort()));
        return ports;
    }

    /**
     * Startup, readiness and liveness are native gRPC probes of the server's health service on its gRPC
     * port: startup and readiness ask the overall status (NOT_SERVING while models load and from
     * SIGTERM), the startup probe waiting longer than one model load may take; liveness asks the
     * service the server keeps SERVING while it runs ({@link GrpcEndpoint#LIVENESS}).
     */
    static void probes(Container container, ServerSettings settings, Map<String, Integer> ports) {
        for (Probe p :
                List.of(container.getStartupProbe(), container.getReadinessProbe(), container.getLivenessProbe())) {
            assertNotNull(p.getGrpc(), "a native gRPC probe");
            assertEquals(settings.port(), p.getGrpc().getPort(), "the probe asks the server's gRPC port");
            assertTrue(ports.containsValue(p.getGrpc().getPort()), "a port of the container");
        }
        assertTrue(isOverall(container.getStartupProbe()) && isOverall(container.getReadinessProbe()));
        assertEquals(
                GrpcEndpoint.LIVENESS, container.getLivenessProbe().getGrpc().getService());
        Probe startup = container.getStartupProbe();
        assertTrue(
                (long) startup.getPeriodSeconds() * startup.getFailureThreshold()
                        > settings.loadTimeout().toSeconds(),
                "the startup probe waits longer than --load-timeout " + settings.loadTimeout());
    }

    private static boolean isOverall(Probe p) {
        return p.getGrpc().getService() == null || p.getGrpc().getService().isEmpty();
    }
}
