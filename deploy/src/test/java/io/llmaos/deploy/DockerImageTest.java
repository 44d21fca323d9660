package io.llmaos.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.server.config.ServerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker/Dockerfile (not built here: no Docker daemon): its runtime stage runs as a non-root
 * user, its entrypoint is the launcher copied from the build stage, its default command is flags the
 * server's parser accepts (every interface, with the tokens file of a mounted secret), the ports it
 * exposes are the server's, and its health check asks the gRPC health service through the launcher. The
 * launcher in that layout (jars, no sources) starts without looking for Maven.
 */
class DockerImageTest {
    private static final Path DOCKERFILE = Manifests.DEPLOY.resolve("docker/Dockerfile");
    private static final String LAUNCHER = "/opt/llmaos/llmaos";

    @TempDir
    Path scratch;

    /** The instructions of the last stage, continuation lines joined, comments left out. */
    private static List<String[]> runtimeStage() throws Exception {
        List<String[]> stage = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            if (raw.strip().startsWith("#")) {
                continue;
            }
            line.append(raw.endsWith("\\") ? raw.substring(0, raw.length() - 1) : raw)
                    .append(' ');
            if (raw.endsWith("\\")) {
                continue;
            }
            String text = line.toString().strip();
            line.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            String[] parts = text.split("\\s+", 2);
            if (parts[0].equals("FROM")) {
                stage.clear();
            }
            stage.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
        }
        return stage;
    }

    private static List<String> all(List<String[]> stage, String instruction) {
        return stage.stream()
                .filter(i -> i[0].equals(instruction))
                .map(i -> i[1])
                .toList();
    }

    private static List<String> json(String array) throws Exception {
        return Arrays.asList(new ObjectMapper().readValue(array, String[].class));
    }

    @Test
    void runtimeStageRunsTheLauncherAsTheServerExpects() throws Exception {
        List<String[]> stage = runtimeStage();
        assertEquals(List.of(LAUNCHER), json(all(stage, "ENTRYPOINT").get(0)));
        assertTrue(all(stage, "COPY").contains("--from=build /out/llmaos " + LAUNCHER), "the launcher is copied");
        assertTrue(
                Files.readString(DOCKERFILE).contains("cp llmaos /out/llmaos"), "the build stage takes the launcher");
        String user = all(stage, "USER").get(0);
        assertFalse(user.startsWith("0") || user.startsWith("root"), "a non-root user: " + user);

        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(String.join(" ", all(stage, "ENV")));
        while (m.find()) {
            env.put(m.group(1), m.group(2).replace("\"", ""));
        }
        List<String> volumes = new ArrayList<>();
        for (String v : all(stage, "VOLUME")) {
            volumes.addAll(json(v));
        }
        // the tokens come from a mounted secret, at the folder the image makes for it
        List<String> onDisk = new ArrayList<>(volumes);
        onDisk.add("/etc/llmaos/auth");
        ServerSettings settings = ServeArgs.settings(json(all(stage, "CMD").get(0)), env, onDisk, Map.of(), scratch);
        assertEquals("0.0.0.0", settings.host(), "--host 0.0.0.0 set explicitly");
        assertTrue(settings.security().authOn(), "with the tokens of a mounted secret");
        assertEquals(List.of("/models"), volumes, "the model repository is a volume");
        assertEquals(scratch.resolve("models"), settings.modelsDir());

        assertEquals(
                Set.of(settings.httpPort() + "/tcp", settings.port() + "/tcp", settings.metricsPort() + "/tcp"),
                Set.of(all(stage, "EXPOSE").get(0).split("\\s+")));
        String label = all(stage, "LABEL").get(0);
        for (var port : Map.of("http", settings.httpPort(), "grpc", settings.port(), "metrics", settings.metricsPort())
                .entrySet()) {
            assertTrue(label.contains("io.llmaos.port." + port.getKey() + "=\"" + port.getValue() + "\""), label);
        }
        String health = all(stage, "HEALTHCHECK").get(0);
        List<String> probe = json(health.substring(health.indexOf("CMD") + 3).strip());
        assertEquals(List.of(LAUNCHER, "health", "--target", "127.0.0.1:" + settings.port()), probe);

        List<String> ignored = Files.readAllLines(Manifests.ROOT.resolve(".dockerignore"));
        assertTrue(ignored.containsAll(List.of(".git", "**/target")), "the build context leaves out .git and builds");
    }

    @Test
    void launcherRunsAnInstalledLayoutWithoutMaven() throws Exception {
        // the image's layout: the launcher, <module>/target with a jar, classpath.txt and the prebuilt marker
        Path home = scratch.resolve("opt");
        Path target = Files.createDirectories(home.resolve("client-sdk/target"));
        Files.copy(Manifests.ROOT.resolve("llmaos"), home.resolve("llmaos"));
        Files.writeString(target.resolve("llmaos-client-0.1.0.jar"), "");
        Files.writeString(target.resolve("classpath.txt"), "/opt/llmaos/lib/a.jar");
        Files.writeString(target.resolve(".llmaos-built"), "");
        Files.writeString(target.resolve(".llmaos-prebuilt"), "");
        assertTrue(Files.readString(DOCKERFILE).contains(".llmaos-prebuilt"), "the image marks its modules prebuilt");
        // on the PATH: a java that prints what it was asked, and a mvn that must not run
        Path bin = Files.createDirectories(scratch.resolve("bin"));
        executable(bin.resolve("java"), "#!/bin/sh\necho \"java $*\"\n");
        executable(bin.resolve("mvn"), "#!/bin/sh\necho mvn ran >&2\nexit 99\n");
        ProcessBuilder launcher = new ProcessBuilder(
                        "bash", home.resolve("llmaos").toString(), "health", "--target", "h:1")
                .redirectErrorStream(true)
                .directory(scratch.toFile());
        launcher.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        launcher.environment().remove("LLMAOS_JAVA_OPTS");
        Process p = launcher.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(target.resolve("llmaos-client-0.1.0.jar") + ":/opt/llmaos/lib/a.jar"), out);
        assertTrue(out.strip().endsWith("io.llmaos.client.cli.LlmaosCli health --target h:1"), out);
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
