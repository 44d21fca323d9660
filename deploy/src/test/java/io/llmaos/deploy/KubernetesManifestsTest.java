package io.llmaos.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.llmaos.server.config.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/k8s: every overlay renders with {@code kubectl kustomize}, every object parses into its fabric8
 * type with no field that type lacks, and the Deployment matches the server: its flags and LLMAOS_*
 * variables are read by the server's own settings parser, the files they name are on its volumes, each
 * probe and Service targets a port the server opens, and the timing of start-up and shutdown fits the
 * settings (a startup probe longer than a model load, a grace period longer than the drain).
 */
class KubernetesManifestsTest {
    @TempDir
    Path scratch;

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/cpu", "overlays/gpu"})
    void renderedOverlayMatchesTheServer(String overlay) throws Exception {
        String rendered = Manifests.kustomize(Manifests.DEPLOY.resolve("k8s").resolve(overlay));
        Assumptions.assumeTrue(rendered != null, "kubectl is not installed: kustomize rendering is not checked");
        List<HasMetadata> objects = Manifests.typed(Manifests.documents(rendered));
        Deployment deployment = check(objects);
        Container server = server(deployment);
        Quantity gpus = server.getResources().getLimits().get("nvidia.com/gpu");
        assertEquals(
                overlay.endsWith("gpu"), gpus != null, overlay + ": nvidia.com/gpu requested only by the gpu overlay");
        if (gpus != null) {
            assertEquals(gpus, server.getResources().getRequests().get("nvidia.com/gpu"));
        }
        assertTrue(server.getImage().startsWith("llmaos:"), "the image is tagged: " + server.getImage());
    }

    @Test
    void baseFilesParseAsTheyAre() throws Exception {
        // without kubectl: the base's files themselves, each named by its kustomization
        Path base = Manifests.DEPLOY.resolve("k8s/base");
        JsonNode kustomization =
                Manifests.documents(base.resolve("kustomization.yaml")).get(0);
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            docs.addAll(Manifests.documents(base.resolve(resource.asText())));
        }
        try (var files = Files.list(base)) {
            assertEquals(
                    kustomization.path("resources").size() + 1,
                    files.filter(f -> f.toString().endsWith(".yaml")).count(),
                    "every file of the base is one of its resources");
        }
        check(Manifests.typed(docs));
    }

    /** The checks every rendering passes; the Deployment. */
    private Deployment check(List<HasMetadata> objects) throws Exception {
        Deployment deployment = Manifests.one(objects, Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(
                podLabels
                        .entrySet()
                        .containsAll(deployment
                                .getSpec()
                                .getSelector()
                                .getMatchLabels()
                                .entrySet()),
                "the Deployment selects its own pods");
        Container server = server(deployment);
        ServerSettings settings = PodCheck.settings(objects, pod, server, scratch);

        // every interface, so authentication is on (the server refuses the first without the second)
        assertEquals("0.0.0.0", settings.host());
        assertTrue(settings.security().authOn(), "authentication on");
        assertTrue(server.getCommand() == null || server.getCommand().isEmpty(), "the image's entrypoint runs");
        assertEquals(
                Boolean.FALSE, pod.getEnableServiceLinks(), "no LLMAOS_PORT=tcp://... from a Service named llmaos");
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());

        Map<String, Integer> ports = PodCheck.ports(server);
        assertEquals(
                Map.of("grpc", settings.port(), "http", settings.httpPort(), "metrics", settings.metricsPort()),
                ports,
                "the container's ports are the server's");
        PodCheck.probes(server, settings, ports);

        // shutdown: the preStop pause, then the drain (--shutdown-grace), all before the kill
        long preStop = Long.parseLong(
                server.getLifecycle().getPreStop().getExec().getCommand().get(1));
        assertEquals(
                "sleep",
                server.getLifecycle().getPreStop().getExec().getCommand().get(0));
        assertTrue(
                pod.getTerminationGracePeriodSeconds()
                        > preStop + settings.shutdownGrace().toSeconds(),
                "terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds() + " > preStop " + preStop
                        + " s + shutdown grace " + settings.shutdownGrace());

        List<Service> services = Manifests.ofKind(objects, Service.class);
        assertEquals(2, services.size());
        assertTrue(services.stream().anyMatch(s -> "None".equals(s.getSpec().getClusterIP())), "a headless Service");
        for (Service s : services) {
            assertTrue(
                    podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()),
                    s.getMetadata().getName());
            s.getSpec()
                    .getPorts()
                    .forEach(p -> assertTrue(
                            ports.containsKey(p.getTargetPort().getStrVal()),
                            s.getMetadata().getName() + " targets port " + p.getTargetPort()));
            s.getSpec().getPorts().forEach(p -> assertEquals(ports.get(p.getName()), p.getPort()));
        }
        PodDisruptionBudget pdb = Manifests.one(objects, PodDisruptionBudget.class);
        assertTrue(podLabels
                .entrySet()
                .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        HorizontalPodAutoscaler hpa = Manifests.one(objects, HorizontalPodAutoscaler.class);
        assertEquals(
                deployment.getMetadata().getName(),
                hpa.getSpec().getScaleTargetRef().getName());
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        List<String> metrics = hpa.getSpec().getMetrics().stream()
                .map(m -> m.getType().equals("Resource")
                        ? m.getResource().getName()
                        : m.getPods().getMetric().getName())
                .toList();
        assertEquals(List.of("cpu", ScaleOutTest.QUEUE_DEPTH), metrics, "CPU and the scrape's queue depth");
        assertNotNull(Manifests.one(objects, ConfigMap.class).getData().get(ServeArgs.JAVA_OPTS));
        assertTrue(
                Files.readString(Manifests.ROOT.resolve("llmaos")).contains("${" + ServeArgs.JAVA_OPTS),
                "the launcher reads " + ServeArgs.JAVA_OPTS);
        assertFalse(server.getSecurityContext().getAllowPrivilegeEscalation());
        return deployment;
    }

    private static Container server(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("llmaos"))
                .findFirst()
                .orElseThrow();
    }
}
