package io.llmaos.server.triton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.server.ProtoTensors;
import io.llmaos.server.TestServer;
import io.llmaos.tritonwire.InferParameter;
import io.llmaos.tritonwire.ModelConfig;
import io.llmaos.tritonwire.ModelConfigRequest;
import io.llmaos.tritonwire.ModelInferRequest;
import io.llmaos.tritonwire.ModelInferResponse;
import io.llmaos.tritonwire.ModelInstanceGroup;
import io.llmaos.tritonwire.ModelReadyRequest;
import io.llmaos.tritonwire.ModelStatistics;
import io.llmaos.tritonwire.ModelStatisticsRequest;
import io.llmaos.tritonwire.ModelStreamInferResponse;
import io.llmaos.tritonwire.ServerMetadataRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Triton's extensions of GRPCInferenceService end to end, through a client on stubs written from
 * Triton's protos: configuration, statistics, streaming (tensors and Triton's LLM convention),
 * classification, priorities beyond the model's levels, readiness of unknown versions.
 */
class TritonClientTest {
    private static TestServer server;
    private static TritonClient triton;
    private static JsonNode reference;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "gpt-kjv,mlp-classifier");
        triton = new TritonClient(server.channel());
        reference = ProtoTensors.json(TestServer.DEMO_MODELS.resolve("gpt-kjv/reference.json"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void serverMetadataListsTheExtensions() {
        List<String> extensions = triton.blocking()
                .serverMetadata(ServerMetadataRequest.getDefaultInstance())
                .getExtensionsList();
        assertTrue(
                extensions.containsAll(List.of(
                        "classification",
                        "model_repository",
                        "model_configuration",
                        "statistics",
                        "system_shared_memory",
                        "trace",
                        "logging")),
                extensions.toString());
    }

    @Test
    void modelConfigIsTritonsMessage() {
        ModelConfig c = triton.blocking()
                .modelConfig(ModelConfigRequest.newBuilder()
                        .setName("mlp-classifier")
                        .build())
                .getConfig();
        assertEquals("mlp-classifier", c.getName());
        assertEquals("pytorch_libtorch", c.getPlatform());
        assertEquals("pytorch", c.getBackend());
        assertEquals(64, c.getMaxBatchSize());
        assertEquals("features", c.getInput(0).getName());
        assertEquals(io.llmaos.tritonwire.DataType.TYPE_FP32, c.getInput(0).getDataType());
        assertEquals(List.of(16L), c.getInput(0).getDimsList(), "no batch dimension, as Triton");
        assertEquals("scores", c.getOutput(0).getName());
        assertEquals(List.of(4L), c.getOutput(0).getDimsList());
        assertEquals(io.llmaos.tritonwire.DataType.TYPE_STRING, c.getOutput(1).getDataType(), "the labels");
        assertTrue(c.hasDynamicBatching());
        assertTrue(c.getDynamicBatching().getPriorityLevels() >= 1);
        assertTrue(c.getDynamicBatching().getDefaultPriorityLevel() >= 1);
        assertEquals(ModelInstanceGroup.Kind.KIND_CPU, c.getInstanceGroup(0).getKind());
        assertEquals(2, c.getInstanceGroup(0).getCount(), "the pool's maximum");
        assertEquals("CLASSIFIER", c.getParametersMap().get("llmaos.kind").getStringValue());
        assertTrue(c.getParametersMap().get("llmaos.config").getStringValue().contains("walking"));
        assertFalse(c.getModelTransactionPolicy().getDecoupled());

        ModelConfig gpt = triton.blocking()
                .modelConfig(ModelConfigRequest.newBuilder().setName("gpt-kjv").build())
                .getConfig();
        assertTrue(gpt.getModelTransactionPolicy().getDecoupled());
        assertEquals(0, gpt.getMaxBatchSize());
        assertEquals("text_input", gpt.getInput(0).getName());
        assertEquals(io.llmaos.tritonwire.DataType.TYPE_STRING, gpt.getInput(0).getDataType());
        assertEquals("text_output", gpt.getOutput(0).getName());
        var metadata = triton.blocking()
                .modelMetadata(io.llmaos.tritonwire.ModelMetadataRequest.newBuilder()
                        .setName("gpt-kjv")
                        .build());
        assertEquals("text_input", metadata.getInputs(0).getName());
        assertEquals("BYTES", metadata.getInputs(0).getDatatype());
        assertEquals("text_output", metadata.getOutputs(0).getName());

        var unknown = assertThrows(
                StatusRuntimeException.class,
                () -> triton.blocking()
                        .modelConfig(
                                ModelConfigRequest.newBuilder().setName("nope").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    @Test
    void statisticsCountWhatTheSchedulerDid() {
        ModelStatistics before = stats("mlp-classifier");
        for (int i = 0; i < 3; i++) {
            triton.blocking().modelInfer(TritonClient.classifier("s" + i, 2).build());
        }
        ModelStatistics after = stats("mlp-classifier");
        assertEquals("1", after.getVersion());
        assertEquals(6, after.getInferenceCount() - before.getInferenceCount(), "rows are inferences");
        assertEquals(
                3,
                after.getInferenceStats().getSuccess().getCount()
                        - before.getInferenceStats().getSuccess().getCount());
        assertTrue(after.getInferenceStats().getSuccess().getNs()
                > before.getInferenceStats().getSuccess().getNs());
        assertTrue(after.getExecutionCount() - before.getExecutionCount() >= 1);
        assertTrue(after.getInferenceStats().getComputeInfer().getNs() > 0);
        assertTrue(after.getLastInference() > System.currentTimeMillis() - 60_000);
        assertTrue(after.getBatchStatsList().stream().anyMatch(b -> b.getBatchSize() == 2));
        assertTrue(after.getMemoryUsage(0).getByteSize() > 0);

        var all = triton.blocking().modelStatistics(ModelStatisticsRequest.getDefaultInstance());
        assertEquals(
                Set.of("gpt-kjv", "mlp-classifier"),
                all.getModelStatsList().stream().map(ModelStatistics::getName).collect(Collectors.toSet()));
        var notLoaded = assertThrows(
                StatusRuntimeException.class,
                () -> triton.blocking()
                        .modelStatistics(ModelStatisticsRequest.newBuilder()
                                .setName("tf-dense")
                                .build()));
        assertEquals(Status.Code.UNAVAILABLE, notLoaded.getStatus().getCode());
    }

    private static ModelStatistics stats(String model) {
        return triton.blocking()
                .modelStatistics(
                        ModelStatisticsRequest.newBuilder().setName(model).build())
                .getModelStats(0);
    }

    @Test
    void aStreamAnswersEachRequestByIdAndAnErrorDoesNotEndIt() throws Exception {
        List<ModelInferRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(TritonClient.classifier("t" + i, 1 + i % 3).build());
        }
        requests.add(TritonClient.classifier("bad", 1)
                .setInputs(
                        0,
                        ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("features")
                                .setDatatype("INT8")
                                .addShape(1)
                                .addShape(16))
                .build());
        List<ModelStreamInferResponse> answers = triton.stream(requests);
        assertEquals(9, answers.size());
        Map<String, ModelStreamInferResponse> byId = answers.stream()
                .collect(Collectors.toMap(a -> a.getInferResponse().getId(), a -> a));
        for (int i = 0; i < 8; i++) {
            ModelStreamInferResponse a = byId.get("t" + i);
            assertEquals("", a.getErrorMessage());
            assertEquals(
                    List.of((long) (1 + i % 3), 4L),
                    a.getInferResponse().getOutputs(0).getShapeList());
        }
        assertTrue(
                byId.get("bad").getErrorMessage().contains("features"),
                byId.get("bad").getErrorMessage());
    }

    @Test
    void aStreamedGenerationEqualsTheGreedyGenerateOutput() throws Exception {
        JsonNode greedy = reference.get("greedy").get(0);
        String prompt = greedy.get("prompt").asText();
        int max = greedy.get("max_new_tokens").asInt();
        List<ModelStreamInferResponse> answers = triton.stream(
                List.of(TritonClient.prompt("g1", prompt, max, true).build()));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < answers.size(); i++) {
            ModelInferResponse r = answers.get(i).getInferResponse();
            assertEquals("", answers.get(i).getErrorMessage());
            assertEquals("g1", r.getId());
            assertEquals("text_output", r.getOutputs(0).getName());
            assertEquals(i == answers.size() - 1, TritonClient.isFinal(r), "only the last is final");
            text.append(String.join("", TritonClient.strings(r.getRawOutputContents(0))));
        }
        assertTrue(answers.size() > 2, "one response per delta: " + answers.size());
        assertEquals(greedy.get("greedy_text").asText(), text.toString());

        List<ModelStreamInferResponse> whole = triton.stream(
                List.of(TritonClient.prompt("g2", prompt, max, false).build()));
        assertEquals(1, whole.size(), "stream false: the whole text in one response");
        assertTrue(TritonClient.isFinal(whole.get(0).getInferResponse()));
        assertEquals(
                List.of(greedy.get("greedy_text").asText()),
                TritonClient.strings(whole.get(0).getInferResponse().getRawOutputContents(0)));

        ModelInferResponse unary = triton.blocking()
                .modelInfer(TritonClient.prompt("g3", prompt, max, false).build());
        assertEquals(List.of(greedy.get("greedy_text").asText()), TritonClient.strings(unary.getRawOutputContents(0)));
        assertEquals("g3", unary.getId());
    }

    @Test
    void cancellingTheStreamStopsItsGenerationWithinAStep() throws Exception {
        long before = stats("gpt-kjv").getExecutionCount();
        java.util.concurrent.CountDownLatch five = new java.util.concurrent.CountDownLatch(5);
        java.util.concurrent.atomic.AtomicReference<io.grpc.stub.ClientCallStreamObserver<ModelInferRequest>> call =
                new java.util.concurrent.atomic.AtomicReference<>();
        triton.async()
                .modelStreamInfer(
                        new io.grpc.stub.ClientResponseObserver<ModelInferRequest, ModelStreamInferResponse>() {
                            @Override
                            public void beforeStart(io.grpc.stub.ClientCallStreamObserver<ModelInferRequest> requests) {
                                call.set(requests);
                            }

                            @Override
                            public void onNext(ModelStreamInferResponse r) {
                                five.countDown();
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {}
                        });
        call.get()
                .onNext(TritonClient.prompt("long", "And it came to pass", 400, true)
                        .putParameters(
                                "ignore_eos",
                                InferParameter.newBuilder().setBoolParam(true).build())
                        .build());
        assertTrue(five.await(30, java.util.concurrent.TimeUnit.SECONDS), "five deltas streamed");
        call.get().cancel("enough", null);
        // once the server has seen the cancel, the execution (decode step) count stops growing
        long settled = stats("gpt-kjv").getExecutionCount();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(20);
            long now = stats("gpt-kjv").getExecutionCount();
            if (now == settled && i > 5) {
                break;
            }
            settled = now;
        }
        assertTrue(settled - before < 60, "decoding went on after the cancel: " + (settled - before) + " steps of 400");
        Thread.sleep(100);
        assertEquals(settled, stats("gpt-kjv").getExecutionCount(), "no step ran after the sequence left");
    }

    @Test
    void tensorRtLlmStyleInputsAreTaken() throws Exception {
        JsonNode greedy = reference.get("greedy").get(0);
        String text = greedy.get("greedy_text").asText();
        ModelInferRequest.Builder r = TritonClient.prompt(
                        "trt",
                        greedy.get("prompt").asText(),
                        greedy.get("max_new_tokens").asInt(),
                        false)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("stop_words")
                        .setDatatype("BYTES")
                        .addShape(1)
                        .addShape(1))
                .addRawInputContents(TritonClient.bytes(" LORD"))
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("beam_width")
                        .setDatatype("INT32")
                        .addShape(1)
                        .addShape(1))
                .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 0, 0, 0}));
        String out = TritonClient.strings(
                        triton.blocking().modelInfer(r.build()).getRawOutputContents(0))
                .get(0);
        assertTrue(text.contains(" LORD") && text.startsWith(out) && !out.contains("LORD"), out);

        r.setRawInputContents(4, com.google.protobuf.ByteString.copyFrom(new byte[] {2, 0, 0, 0}));
        var e = assertThrows(
                StatusRuntimeException.class, () -> triton.blocking().modelInfer(r.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("beam_width"),
                e.getStatus().getDescription());
    }

    @Test
    void aBadGenerationRequestIsAnErrorOnTheStream() throws Exception {
        ModelInferRequest noPrompt = TritonClient.prompt("x", "hi", 4, true)
                .setInputs(
                        0,
                        ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("prompt")
                                .setDatatype("BYTES")
                                .addShape(1))
                .build();
        List<ModelStreamInferResponse> answers = triton.stream(List.of(noPrompt));
        assertEquals(1, answers.size());
        assertTrue(
                answers.get(0).getErrorMessage().contains("inputs[0].name"),
                answers.get(0).getErrorMessage());
        var e = assertThrows(
                StatusRuntimeException.class, () -> triton.blocking().modelInfer(noPrompt));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }

    @Test
    void classificationReturnsTheBestClassesAsTritonsStrings() {
        ModelInferResponse scores =
                triton.blocking().modelInfer(TritonClient.classifier("c", 2).build());
        float[] values = TritonClient.floats(scores.getRawOutputContents(0));
        ModelInferResponse classes = triton.blocking()
                .modelInfer(TritonClient.classifier("c", 2)
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("scores")
                                .putParameters(
                                        "classification",
                                        InferParameter.newBuilder()
                                                .setInt64Param(2)
                                                .build()))
                        .build());
        assertEquals("BYTES", classes.getOutputs(0).getDatatype());
        assertEquals(List.of(2L, 2L), classes.getOutputs(0).getShapeList());
        List<String> labels = List.of("idle", "walking", "running", "cycling");
        List<String> got = TritonClient.strings(classes.getRawOutputContents(0));
        for (int row = 0; row < 2; row++) {
            int best = 0;
            for (int j = 1; j < 4; j++) {
                if (values[row * 4 + j] > values[row * 4 + best]) {
                    best = j;
                }
            }
            String[] parts = got.get(row * 2).split(":");
            assertEquals(3, parts.length, got.get(row * 2));
            assertEquals(String.format(java.util.Locale.ROOT, "%f", values[row * 4 + best]), parts[0]);
            assertEquals(String.valueOf(best), parts[1]);
            assertEquals(labels.get(best), parts[2]);
        }
    }

    @Test
    void aPriorityBeyondTheLevelsRunsAtTheDefaultLevel() {
        ModelInferResponse r = triton.blocking()
                .modelInfer(TritonClient.classifier("p", 1)
                        .putParameters(
                                "priority",
                                InferParameter.newBuilder().setUint64Param(99).build())
                        .build());
        assertEquals("p", r.getId());
    }

    @Test
    void readinessOfAnUnknownVersionIsNotFound() {
        assertTrue(triton.blocking()
                .modelReady(ModelReadyRequest.newBuilder()
                        .setName("mlp-classifier")
                        .setVersion("1")
                        .build())
                .getReady());
        var e = assertThrows(
                StatusRuntimeException.class,
                () -> triton.blocking()
                        .modelReady(ModelReadyRequest.newBuilder()
                                .setName("mlp-classifier")
                                .setVersion("7")
                                .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertFalse(triton.blocking()
                .modelReady(ModelReadyRequest.newBuilder().setName("tf-dense").build())
                .getReady());
    }
}
