package io.llmaos.server.model;

import static io.llmaos.server.ProtoTensors.assertClose;
import static io.llmaos.server.ProtoTensors.flat;
import static io.llmaos.server.ProtoTensors.fp32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.ProtoTensors;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine options in a config's {@code parameters}: a PyTorch model's intra-op threads and TorchScript
 * graph-executor optimisation, ONNX Runtime's graph optimisation level and intra-op threads, each
 * loaded and serving the same answers; a value the engine cannot take is INVALID_ARGUMENT naming it.
 */
class EngineOptionsTest {
    @TempDir
    Path dir;

    private static ModelConfig config(String demo) throws Exception {
        ModelConfig.Builder b = ModelConfig.newBuilder();
        JsonFormat.parser()
                .merge(Files.readString(TestServer.DEMO_MODELS.resolve(demo).resolve("config.json")), b);
        return b.build();
    }

    private static void load(TestServer server, String name, ModelConfig config) {
        server.repository()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName(name)
                        .setConfigOverride(config)
                        .build());
    }

    @Test
    void engineOptionsLoadAndServeTheSameAnswers() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("mlp-classifier", "mlp");
        repo.copyDemo("all-MiniLM-L6-v2", "minilm");
        JsonNode ref = ProtoTensors.json(TestServer.DEMO_MODELS.resolve("mlp-classifier/reference.json"));
        try (TestServer server = TestServer.start(dir, "")) {
            for (String optimize : List.of("false", "true")) {
                load(
                        server,
                        "mlp",
                        config("mlp-classifier").toBuilder()
                                .putParameters("intraOpNumThreads", "2")
                                .putParameters("graphExecutorOptimize", optimize)
                                .build());
                var response = server.inference()
                        .infer(InferRequest.newBuilder()
                                .setModelName("mlp")
                                .addInputs(fp32("features", ref.get("inputs").get("features")))
                                .build());
                assertClose(
                        flat(ref.get("outputs").get("scores")),
                        response.getOutputs(0).getContents().getFp32ContentsList(),
                        ref.get("tolerance").asDouble());
            }
            InferRequest text = InferRequest.newBuilder()
                    .setModelName("minilm")
                    .addInputs(ProtoTensors.texts("text", List.of("A man is eating food.")))
                    .build();
            load(server, "minilm", config("all-MiniLM-L6-v2"));
            List<Float> full =
                    server.inference().infer(text).getOutputs(0).getContents().getFp32ContentsList();
            load(
                    server,
                    "minilm",
                    config("all-MiniLM-L6-v2").toBuilder()
                            .putParameters("optLevel", "NO_OPT")
                            .putParameters("intraOpNumThreads", "1")
                            .build());
            List<Float> plain =
                    server.inference().infer(text).getOutputs(0).getContents().getFp32ContentsList();
            double dot = 0;
            for (int i = 0; i < full.size(); i++) {
                dot += full.get(i) * plain.get(i);
            }
            // the option reached ONNX Runtime: the int8 graph left unfused rounds differently (measured
            // cosine 0.9965), and still means the same
            assertTrue(
                    dot > 0.99 && dot < 0.99999, "the unoptimised graph embeds alike, not identically: cosine " + dot);
        }
    }

    @Test
    void anEngineOptionTheEngineCannotTakeIsInvalidArgumentNamingIt() throws Exception {
        new TempRepository(dir).copyDemo("mlp-classifier", "mlp");
        Map<String, String> bad = Map.of(
                "intraOpNumThreads", "1000",
                "interOpNumThreads", "two",
                "optLevel", "FASTEST",
                "graphExecutorOptimize", "maybe");
        try (TestServer server = TestServer.start(dir, "")) {
            for (Map.Entry<String, String> b : bad.entrySet()) {
                StatusRuntimeException e = assertThrows(
                        StatusRuntimeException.class,
                        () -> load(
                                server,
                                "mlp",
                                config("mlp-classifier").toBuilder()
                                        .putParameters(b.getKey(), b.getValue())
                                        .build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
                assertTrue(e.getStatus().getDescription().contains("parameters[" + b.getKey() + "]"), e.toString());
            }
        }
    }
}
