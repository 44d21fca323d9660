package io.llmaos.server.model.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.proto.v1.Engine;
import io.llmaos.proto.v1.VersionPolicy;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a repository: configs, engines, versions, names. */
class ModelRepositoryTest {
    @TempDir
    Path root;

    private Path model(String name, String config, String... files) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        if (config != null) {
            Files.writeString(dir.resolve("config.json"), config);
        }
        for (String f : files) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[] {1});
        }
        return dir;
    }

    @Test
    void theEngineIsInferredFromTheFiles() throws Exception {
        model("pt", null, "1/model.pt");
        model("onnx", null, "3/encoder.onnx");
        model("tf", null, "1/saved_model.pb", "1/variables/variables.index");
        ModelRepository repo = new ModelRepository(root);
        assertEquals(Engine.PYTORCH, repo.read("pt").config().getEngine());
        assertEquals(Engine.ONNXRUNTIME, repo.read("onnx").config().getEngine());
        assertEquals(Engine.TENSORFLOW, repo.read("tf").config().getEngine());
        assertEquals("onnx", repo.read("onnx").config().getName());
        assertEquals(List.of("onnx", "pt", "tf"), repo.modelNames());
    }

    @Test
    void ambiguousOrMissingModelFilesAreNamed() throws Exception {
        model("both", null, "1/model.pt", "1/model.onnx");
        model("none", null, "1/README.txt");
        ModelRepository repo = new ModelRepository(root);
        InvalidInputException both = assertThrows(InvalidInputException.class, () -> repo.read("both"));
        assertTrue(both.getMessage().contains("several engines"), both.getMessage());
        InvalidInputException none = assertThrows(InvalidInputException.class, () -> repo.read("none"));
        assertTrue(
                none.getMessage().contains("none/1") && none.getMessage().contains("no model file"), none.getMessage());
    }

    @Test
    void configErrorsNameTheFileAndEveryField() throws Exception {
        model(
                "m",
                "{\"name\": \"other\", \"inputs\": [{\"name\": \"x\"}, {\"name\": \"x\", \"datatype\": \"FP32\","
                        + " \"shape\": [0]}], \"queue\": {\"levels\": [{\"level\": 2}]}}",
                "1/model.pt");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new ModelRepository(root).read("m"));
        List<String> fields = e.violations().stream().map(v -> v.field()).toList();
        assertEquals(
                List.of("name", "inputs[0].datatype", "inputs[1].name", "inputs[1].shape[0]", "queue.levels[0].level"),
                fields);
        assertTrue(e.getMessage().startsWith("m/config.json: "), e.getMessage());
    }

    @Test
    void aStaticKvCacheIsSizedAndBounded() throws Exception {
        String generation = "{\"kind\": \"GENERATIVE\", \"generation\": {\"tokenizer\": {\"file\": \"t.json\"},"
                + " \"vocab_size\": 257, \"max_context\": %d, \"max_active_sequences\": %d, \"kv_cache\":"
                + " {\"contract\": \"STATIC\", \"num_layers\": 2, \"num_heads\": 4, \"head_dim\": 32}}}";
        model("fits", String.format(generation, 512, 32), "1/model.pt", "1/t.json");
        ModelRepository repo = new ModelRepository(root);
        var spec = repo.spec(repo.read("fits"), 1).generation();
        assertTrue(spec.kvCache().staticCache());
        assertEquals("cache", spec.kvCache().cache());
        assertEquals("cache_offset", spec.kvCache().cacheOffset());
        assertEquals(2L * 2 * 32 * 4 * 512 * 32 * 4, spec.staticCacheBytes());
        // 2 x 2 layers x 1024 sequences x 4 heads x 1M positions x 32 x 4 bytes: 2 TiB
        model("huge", String.format(generation, 1 << 20, 1024), "1/model.pt", "1/t.json");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> repo.read("huge"));
        assertEquals(
                List.of("generation.kv_cache"),
                e.violations().stream().map(v -> v.field()).toList());
        assertTrue(e.getMessage().contains("16 GiB"), e.getMessage());
    }

    @Test
    void aTokenCountOutputIsADeclaredInt64Output() throws Exception {
        String embedding = "{\"kind\": \"EMBEDDING\", \"outputs\": [{\"name\": \"embedding\", \"datatype\": \"FP32\","
                + " \"shape\": [4]}, {\"name\": \"n\", \"datatype\": \"%s\", \"shape\": [1]}],"
                + " \"embedding\": {\"tokenizer\": {\"file\": \"t.json\"}, \"token_count_output\": \"n\"}}";
        model("counts", String.format(embedding, "INT64"), "1/model.onnx", "1/t.json");
        model("floats", String.format(embedding, "FP32"), "1/model.onnx", "1/t.json");
        ModelRepository repo = new ModelRepository(root);
        assertEquals("n", repo.spec(repo.read("counts"), 1).embedding().tokenCountOutput());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> repo.read("floats"));
        assertEquals(
                List.of("embedding.token_count_output"),
                e.violations().stream().map(v -> v.field()).toList());
    }

    @Test
    void unknownJsonFieldsAndBadEnumsAreErrors() throws Exception {
        model("m", "{\"kind\": \"CLASSIFYER\"}", "1/model.pt");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new ModelRepository(root).read("m"));
        assertTrue(
                e.getMessage().contains("m/config.json") && e.getMessage().contains("llmaos.v1.ModelKind"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("CLASSIFYER"), "values of the file are not quoted: " + e.getMessage());
    }

    @Test
    void versionPoliciesSelectVersions() {
        TreeSet<Long> onDisk = new TreeSet<>(List.of(1L, 2L, 5L, 7L));
        assertEquals(List.of(7L), VersionSelection.select(VersionPolicy.getDefaultInstance(), onDisk));
        assertEquals(
                List.of(7L, 5L),
                VersionSelection.select(
                        VersionPolicy.newBuilder()
                                .setLatest(VersionPolicy.Latest.newBuilder().setNumVersions(2))
                                .build(),
                        onDisk));
        assertEquals(
                List.of(7L, 5L, 2L, 1L),
                VersionSelection.select(
                        VersionPolicy.newBuilder()
                                .setAll(VersionPolicy.All.getDefaultInstance())
                                .build(),
                        onDisk));
        assertEquals(
                List.of(5L, 1L),
                VersionSelection.select(
                        VersionPolicy.newBuilder()
                                .setSpecific(VersionPolicy.Specific.newBuilder()
                                        .addVersions(1)
                                        .addVersions(5)
                                        .addVersions(9))
                                .build(),
                        onDisk));
    }

    @Test
    void nonNumericAndZeroVersionFoldersAreIgnored() throws Exception {
        model("m", null, "1/model.pt", "0/model.pt", "latest/model.pt", "012/model.pt");
        assertEquals(
                List.of(1L),
                List.copyOf(new ModelRepository(root).read("m").versionsOnDisk().keySet()));
    }

    @Test
    void unknownModelsAreNotFoundAndBadNamesInvalid() {
        ModelRepository repo = new ModelRepository(root);
        assertEquals(
                ErrorCode.NOT_FOUND,
                assertThrows(LlmaosException.class, () -> repo.read("ghost")).code());
        assertEquals(
                ErrorCode.INVALID_ARGUMENT,
                assertThrows(LlmaosException.class, () -> repo.read("../x")).code());
    }

    @Test
    void fingerprintsChangeWhenAVersionChanges() throws Exception {
        model("m", "{}", "1/model.pt");
        ModelRepository repo = new ModelRepository(root);
        ModelFingerprint before = repo.fingerprints().get("m");
        Files.write(root.resolve("m/1/model.pt"), new byte[] {1, 2, 3});
        ModelFingerprint after = repo.fingerprints().get("m");
        assertEquals(before.configStamp(), after.configStamp());
        assertTrue(
                before.versionStamps().get(1L) != after.versionStamps().get(1L).longValue());
    }
}
