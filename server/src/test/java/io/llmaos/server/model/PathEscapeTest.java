package io.llmaos.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelRepositoryParameter;
import io.llmaos.proto.oip.RepositoryModelLoadRequest;
import io.llmaos.proto.v1.ClassifierConfig;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way to reach outside the repository root is refused with INVALID_ARGUMENT or NOT_FOUND,
 * and nothing outside is loaded or changed.
 */
class PathEscapeTest {
    @TempDir
    Path base;

    private Path root;
    private Path outside;
    private Map<Path, FileTime> outsideBefore;
    private TestServer server;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(base.resolve("repo"));
        outside = Files.createDirectories(base.resolve("outside"));
        new TempRepository(outside).copyDemo("mlp-classifier", "secret-model");
        Files.writeString(outside.resolve("secret.txt"), "do not read\n");
        TempRepository repo = new TempRepository(root);
        repo.copyDemo("mlp-classifier", "ok");
        Files.createSymbolicLink(root.resolve("linked-model"), outside.resolve("secret-model"));
        Files.createDirectories(root.resolve("linked-version"));
        Files.copy(outside.resolve("secret-model/config.json"), root.resolve("linked-version/config.json"));
        Files.createSymbolicLink(root.resolve("linked-version/1"), outside.resolve("secret-model/1"));
        linkedWeights("linked-file", outside.resolve("secret-model"), Files::createSymbolicLink);
        for (String linked : List.of("linked-config", "linked-secret")) {
            TempRepository.copyTree(outside.resolve("secret-model/1"), root.resolve(linked + "/1"));
        }
        Files.createSymbolicLink(
                root.resolve("linked-config/config.json"), outside.resolve("secret-model/config.json"));
        Files.createSymbolicLink(root.resolve("linked-secret/config.json"), outside.resolve("secret.txt"));
        // a hard link to a file outside, and one to a file inside (two models sharing weights)
        linkedWeights("linked-hard", outside.resolve("secret-model"), Files::createLink);
        linkedWeights("shared-weights", root.resolve("ok"), Files::createLink);
        outsideBefore = snapshot(outside);
        server = TestServer.start(root, "");
    }

    /** Makes a link (symbolic or hard) at {@code link} to {@code target}. */
    @FunctionalInterface
    private interface Linker {
        Path link(Path link, Path target) throws java.io.IOException;
    }

    /** Model {@code name} with {@code from}'s config and its {@code 1/model.pt} as a link made by {@code linker}. */
    private void linkedWeights(String name, Path from, Linker linker) throws java.io.IOException {
        Files.createDirectories(root.resolve(name + "/1"));
        Files.copy(from.resolve("config.json"), root.resolve(name + "/config.json"));
        linker.link(root.resolve(name + "/1/model.pt"), from.resolve("1/model.pt"));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        assertEquals(outsideBefore, snapshot(outside), "nothing outside the root may change");
    }

    @Test
    void badModelNamesAreRefused() {
        for (String name : List.of(
                "..",
                ".",
                "../outside",
                "/etc/passwd",
                "a/b",
                "ok/../ok",
                "x\u0000y",
                "",
                "..\\outside",
                "%2e%2e%2foutside",
                // unicode look-alikes of dots and slashes, a right-to-left override, a full-width name
                "\u2025",
                "\uff0e\uff0e",
                "..\u2215outside",
                "ok\u202e",
                "\uff4f\uff4b",
                "ok\n",
                "o".repeat(10_000))) {
            refused(
                    () -> server.repository()
                            .loadModel(
                                    LoadModelRequest.newBuilder().setName(name).build()),
                    name);
            refused(
                    () -> server.repository()
                            .getModel(GetModelRequest.newBuilder().setName(name).build()),
                    name);
            refused(
                    () -> server.oip()
                            .repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                                    .setModelName(name)
                                    .build()),
                    name);
            refused(
                    () -> server.oip()
                            .modelMetadata(ModelMetadataRequest.newBuilder()
                                    .setName(name)
                                    .build()),
                    name);
        }
    }

    @Test
    void symbolicLinksLeadingOutsideAreRefused() {
        for (String name : List.of(
                "linked-model", "linked-version", "linked-file", "linked-config", "linked-secret", "linked-hard")) {
            refused(
                    () -> server.repository()
                            .loadModel(
                                    LoadModelRequest.newBuilder().setName(name).build()),
                    name);
        }
        // a config.json linked outside is never read: nothing of the outside file shows anywhere
        String listed = server.repository()
                .listModels(io.llmaos.proto.v1.ListModelsRequest.getDefaultInstance())
                .toString();
        assertTrue(listed.contains("linked-secret"), listed);
        assertTrue(!listed.contains("do not read") && !listed.contains("\"do\""), listed);
        assertNotEquals(
                ModelState.READY,
                server.repository()
                        .getModel(GetModelRequest.newBuilder()
                                .setName("linked-version")
                                .build())
                        .getSummary()
                        .getVersions(0)
                        .getState());
    }

    @Test
    void aHardLinkIsRefusedWhenANameOfItLiesOutside() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> server.repository()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("linked-hard")
                                .build()));
        assertTrue(
                e.getStatus().getDescription().contains("hard link"),
                e.getStatus().toString());
        // two models of the repository sharing one weights file by a hard link load as usual
        server.repository()
                .loadModel(
                        LoadModelRequest.newBuilder().setName("shared-weights").build());
        assertEquals(
                ModelState.READY,
                server.repository()
                        .getModel(GetModelRequest.newBuilder()
                                .setName("shared-weights")
                                .build())
                        .getSummary()
                        .getVersions(0)
                        .getState());
    }

    @Test
    void configPathsLeadingOutsideAreRefused() throws Exception {
        for (String file :
                List.of("../../outside/secret.txt", "/etc/passwd", "../config.json/../../../outside/secret.txt")) {
            ModelConfig override =
                    server
                            .repository()
                            .getModel(GetModelRequest.newBuilder().setName("ok").build())
                            .getConfig()
                            .toBuilder()
                            .setClassifier(ClassifierConfig.newBuilder().setLabelsFile(file))
                            .build();
            refused(
                    () -> server.repository()
                            .loadModel(LoadModelRequest.newBuilder()
                                    .setName("ok")
                                    .setConfigOverride(override)
                                    .build()),
                    file);
            String json = com.google.protobuf.util.JsonFormat.printer().print(override);
            refused(
                    () -> server.oip()
                            .repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                                    .setModelName("ok")
                                    .putParameters(
                                            "config",
                                            ModelRepositoryParameter.newBuilder()
                                                    .setStringParam(json)
                                                    .build())
                                    .build()),
                    file);
        }
        Files.writeString(
                root.resolve("ok/config.json"),
                Files.readString(root.resolve("ok/config.json"))
                        .replace(
                                "\"classifier\": {",
                                "\"classifier\": {\"labels_file\": \"../../outside/secret.txt\", "));
        refused(
                () -> server.repository()
                        .loadModel(LoadModelRequest.newBuilder().setName("ok").build()),
                "config.json");
    }

    private static void refused(Supplier<?> call, String what) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get, what);
        Status.Code code = e.getStatus().getCode();
        assertTrue(
                code == Status.Code.INVALID_ARGUMENT || code == Status.Code.NOT_FOUND, what + " gave " + e.getStatus());
    }

    private static Map<Path, FileTime> snapshot(Path dir) throws Exception {
        Map<Path, FileTime> times = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
        }
        return times;
    }
}
