package io.llmaos.server.model;

import static io.llmaos.server.ProtoTensors.assertClose;
import static io.llmaos.server.ProtoTensors.flat;
import static io.llmaos.server.ProtoTensors.fp32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.oip.InferTensorContents;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelMetadataResponse;
import io.llmaos.proto.oip.ModelReadyRequest;
import io.llmaos.proto.oip.RepositoryIndexRequest;
import io.llmaos.proto.oip.RepositoryIndexResponse;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetModelResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.ListModelsRequest;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.proto.v1.ModelSummary;
import io.llmaos.proto.v1.RequestedOutput;
import io.llmaos.server.ProtoTensors;
import io.llmaos.server.TestServer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every demo model through the real server, against its reference outputs. */
class DemoModelsTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "*");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void everyDemoModelIsReadyWithItsEngineKindAndMeasuredMemory() {
        List<ModelSummary> models = server.repository()
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList();
        assertEquals(
                List.of("all-MiniLM-L6-v2", "gpt-kjv", "mlp-classifier", "tf-dense"),
                models.stream().map(ModelSummary::getName).toList());
        for (ModelSummary m : models) {
            assertEquals(ModelState.READY, m.getVersions(0).getState(), m.toString());
            assertEquals(1, m.getVersions(0).getInstances(), m.toString());
            assertTrue(m.getVersions(0).getLoadTimeMs() > 0, m.toString());
        }
        ModelSummary minilm = models.get(0);
        assertEquals(io.llmaos.proto.v1.Engine.ONNXRUNTIME, minilm.getEngine());
        assertEquals(ModelKind.EMBEDDING, minilm.getKind());
        assertTrue(minilm.getVersions(0).getMemoryBytes() > 20L << 20, "MiniLM is 23 MB of weights: " + minilm);
    }

    @Test
    void theTorchScriptClassifierMatchesItsReferenceThroughInferAndModelInfer() throws Exception {
        JsonNode ref = ProtoTensors.json(TestServer.DEMO_MODELS.resolve("mlp-classifier/reference.json"));
        JsonNode inputs = ref.get("inputs").get("features");
        InferResponse response = server.inference()
                .infer(InferRequest.newBuilder()
                        .setModelName("mlp-classifier")
                        .setRequestId("r1")
                        .addInputs(fp32("features", inputs))
                        .build());
        assertEquals("r1", response.getRequestId());
        assertEquals(1, response.getModelVersion());
        assertEquals("scores", response.getOutputs(0).getName());
        assertEquals(List.of((long) inputs.size(), 4L), response.getOutputs(0).getShapeList());
        assertClose(
                flat(ref.get("outputs").get("scores")),
                response.getOutputs(0).getContents().getFp32ContentsList(),
                ref.get("tolerance").asDouble());
        List<String> labels = response.getOutputs(1).getContents().getBytesContentsList().stream()
                .map(ByteString::toStringUtf8)
                .toList();
        List<String> expectedLabels = new ArrayList<>();
        ref.get("labels").forEach(l -> expectedLabels.add(l.asText()));
        assertEquals(expectedLabels, labels);
        assertTrue(response.getTiming().getComputeTimeUs() > 0);
        assertEquals(inputs.size(), response.getTiming().getBatchSize());

        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        flat(inputs).forEach(c::addFp32Contents);
        ModelInferResponse oip = server.oip()
                .modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("mlp-classifier")
                        .setId("o1")
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("features")
                                .setDatatype("FP32")
                                .addShape(inputs.size())
                                .addShape(16)
                                .setContents(c))
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("scores"))
                        .build());
        assertEquals("o1", oip.getId());
        assertEquals("1", oip.getModelVersion());
        assertEquals("FP32", oip.getOutputs(0).getDatatype());
        assertClose(
                flat(ref.get("outputs").get("scores")),
                floats(oip.getRawOutputContents(0)),
                ref.get("tolerance").asDouble());
    }

    @Test
    void theTensorFlowSavedModelMatchesItsReference() throws Exception {
        JsonNode ref = ProtoTensors.json(TestServer.DEMO_MODELS.resolve("tf-dense/reference.json"));
        InferResponse response = server.inference()
                .infer(InferRequest.newBuilder()
                        .setModelName("tf-dense")
                        .addInputs(fp32("x", ref.get("inputs").get("x")))
                        .addOutputs(RequestedOutput.newBuilder().setName("y").setRaw(true))
                        .build());
        assertEquals("y", response.getOutputs(0).getName());
        assertClose(
                flat(ref.get("outputs").get("y")),
                floats(response.getOutputs(0).getRawContents()),
                ref.get("tolerance").asDouble());
    }

    @Test
    void miniLmEmbeddingsMatchAnIndependentImplementation() {
        List<String> texts = List.of(
                "A man is eating food.",
                "A man is eating a piece of bread.",
                "A man is riding a horse.",
                "Ein Mann isst Brot. 🍞");
        InferResponse response = server.inference()
                .infer(InferRequest.newBuilder()
                        .setModelName("all-MiniLM-L6-v2")
                        .addInputs(ProtoTensors.texts("text", texts))
                        .build());
        assertEquals(List.of(4L, 384L), response.getOutputs(0).getShapeList());
        List<Float> served = response.getOutputs(0).getContents().getFp32ContentsList();
        AllMiniLmL6V2QuantizedEmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        float[][] vectors = new float[4][];
        for (int i = 0; i < texts.size(); i++) {
            vectors[i] = new float[384];
            double norm = 0;
            for (int d = 0; d < 384; d++) {
                vectors[i][d] = served.get(i * 384 + d);
                norm += vectors[i][d] * vectors[i][d];
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-4, "normalised");
            float[] expected = reference.embed(texts.get(i)).content().vector();
            assertTrue(cosine(vectors[i], expected) > 0.999, "text " + i + ": cosine " + cosine(vectors[i], expected));
        }
        assertTrue(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]), "eating is closer to eating");
    }

    @Test
    void theLanguageModelIsReadyButServedByGenerateNotInfer() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> server.inference()
                        .infer(InferRequest.newBuilder().setModelName("gpt-kjv").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        GetModelResponse model = server.repository()
                .getModel(GetModelRequest.newBuilder().setName("gpt-kjv").build());
        assertEquals(256, model.getConfig().getGeneration().getEosTokenIds(0));
        assertEquals(ModelState.READY, model.getSummary().getVersions(0).getState());
    }

    @Test
    void openInferenceProtocolModelRpcsDescribeTheModels() {
        assertTrue(server.oip()
                .modelReady(ModelReadyRequest.newBuilder().setName("tf-dense").build())
                .getReady());
        assertTrue(server.oip()
                .modelReady(ModelReadyRequest.newBuilder()
                        .setName("tf-dense")
                        .setVersion("1")
                        .build())
                .getReady());
        ModelMetadataResponse metadata = server.oip()
                .modelMetadata(ModelMetadataRequest.newBuilder()
                        .setName("mlp-classifier")
                        .build());
        assertEquals("pytorch_libtorch", metadata.getPlatform());
        assertEquals(List.of("1"), metadata.getVersionsList());
        assertEquals("FP32", metadata.getInputs(0).getDatatype());
        assertEquals(List.of(-1L, 16L), metadata.getInputs(0).getShapeList());
        assertEquals(
                List.of("scores", "labels"),
                metadata.getOutputsList().stream()
                        .map(ModelMetadataResponse.TensorMetadata::getName)
                        .toList());
        RepositoryIndexResponse index = server.oip()
                .repositoryIndex(
                        RepositoryIndexRequest.newBuilder().setReady(true).build());
        assertEquals(4, index.getModelsCount());
        index.getModelsList().forEach(m -> assertEquals("READY", m.getState()));
        StatusRuntimeException unknown = assertThrows(
                StatusRuntimeException.class,
                () -> server.oip()
                        .modelMetadata(ModelMetadataRequest.newBuilder()
                                .setName("nope")
                                .build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    static List<Float> floats(ByteString raw) {
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<Float> values = new ArrayList<>();
        while (b.hasRemaining()) {
            values.add(b.getFloat());
        }
        return values;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
