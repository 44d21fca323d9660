package io.llmaos.server.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.grpc.health.v1.HealthCheckRequest;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelReadyRequest;
import io.llmaos.proto.oip.ModelRepositoryParameter;
import io.llmaos.proto.oip.RepositoryModelLoadRequest;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetPolicyRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.RequestedOutput;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.TenantQuota;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import io.llmaos.proto.v1.TokenIds;
import io.llmaos.proto.v1.WarmupSample;
import io.llmaos.proto.v1.WatchStatsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What the fuzz suite sends: valid requests for every RPC (sent as they are, or with their bytes
 * mutated), and field-level perturbations of them, each setting one field to a hostile value (odd
 * strings, edge numbers, NaN and infinities, huge counts).
 */
final class FuzzCases {
    /** One request to send: the method's full name and the message. */
    record Case(String name, String method, Function<Values, Message> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The hostile values a perturbation draws from. */
    record Values(String text, long number, int small, float real, List<Long> numbers, byte[] bytes) {
        @Override
        public String toString() {
            return "text(" + text.length() + " chars) number=" + number + " small=" + small + " real=" + real
                    + " numbers=" + numbers.size() + " bytes=" + bytes.length;
        }
    }

    static final String INFER = "llmaos.v1.InferenceService/Infer";
    static final String STREAM = "llmaos.v1.InferenceService/InferStream";
    static final String GENERATE = "llmaos.v1.InferenceService/Generate";
    static final String MODEL_INFER = "inference.GRPCInferenceService/ModelInfer";

    private FuzzCases() {}

    static Arbitrary<String> hostileText() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        4,
                        Arbitraries.of(
                                "mlp-classifier",
                                "tf-dense",
                                "all-MiniLM-L6-v2",
                                "gpt-kjv",
                                "features",
                                "text",
                                "x",
                                "1",
                                "FP32",
                                "BYTES")),
                Tuple.of(3, Arbitraries.strings().ofMaxLength(40)),
                Tuple.of(
                        2,
                        Arbitraries.strings()
                                .withChars("\u0000\n\r%'\"\\/.:\u202e\uffff\ud83d\ude00a")
                                .ofMaxLength(30)),
                Tuple.of(
                        2,
                        Arbitraries.of(
                                "",
                                ".",
                                "..",
                                "../../etc/passwd",
                                "/etc/passwd",
                                "a/b",
                                "%s%n%x",
                                "${jndi:ldap://x/a}",
                                "-1",
                                "NaN",
                                "1e99",
                                "0x7fffffff")),
                Tuple.of(1, Arbitraries.integers().between(100, 300_000).map("n"::repeat)));
    }

    static Arbitrary<Values> values() {
        return Combinators.combine(
                        hostileText(),
                        Arbitraries.longs(),
                        Arbitraries.integers().between(-3, 70_000),
                        Arbitraries.frequencyOf(
                                Tuple.of(
                                        3,
                                        Arbitraries.of(
                                                Float.NaN,
                                                Float.POSITIVE_INFINITY,
                                                Float.NEGATIVE_INFINITY,
                                                -1f,
                                                0f,
                                                0.5f,
                                                1f,
                                                2f,
                                                Float.MAX_VALUE,
                                                Float.MIN_VALUE,
                                                -0f)),
                                Tuple.of(2, Arbitraries.floats())),
                        Arbitraries.frequencyOf(
                                Tuple.of(
                                        5,
                                        Arbitraries.longs()
                                                .between(-2, 600)
                                                .list()
                                                .ofMaxSize(20)),
                                Tuple.of(1, Arbitraries.longs().list().ofMaxSize(2000))),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(600))
                .as(Values::new);
    }

    static InferRequest mlp() {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (int i = 0; i < 16; i++) {
            c.addFp32Contents(i / 16f);
        }
        return InferRequest.newBuilder()
                .setModelName("mlp-classifier")
                .addInputs(Tensor.newBuilder()
                        .setName("features")
                        .setDatatype(DataType.FP32)
                        .addShape(1)
                        .addShape(16)
                        .setContents(c))
                .build();
    }

    static InferRequest embed() {
        return InferRequest.newBuilder()
                .setModelName("all-MiniLM-L6-v2")
                .addInputs(Tensor.newBuilder()
                        .setName("text")
                        .setDatatype(DataType.BYTES)
                        .addShape(1)
                        .setContents(TensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFromUtf8("In the beginning"))))
                .build();
    }

    static GenerateRequest generate() {
        return GenerateRequest.newBuilder()
                .setModelName("gpt-kjv")
                .setText("And God said")
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(4).setSeed(1))
                .build();
    }

    static ModelInferRequest oip() {
        ModelInferRequest.InferInputTensor.Builder in = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("x")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(4);
        in.getContentsBuilder()
                .addFp32Contents(1)
                .addFp32Contents(2)
                .addFp32Contents(3)
                .addFp32Contents(4);
        return ModelInferRequest.newBuilder()
                .setModelName("tf-dense")
                .addInputs(in)
                .build();
    }

    private static Duration duration(Values v) {
        return Duration.newBuilder()
                .setSeconds(v.number())
                .setNanos(v.small() * 40_000 - 1)
                .build();
    }

    private static Tensor.Builder tensor(Values v) {
        Tensor.Builder t = Tensor.newBuilder()
                .setName(v.text())
                .setDatatypeValue(Math.floorMod(v.small(), 16))
                .addAllShape(v.numbers());
        return switch (Math.floorMod(v.number(), 4)) {
            case 0 -> t.setRawContents(ByteString.copyFrom(v.bytes()));
            case 1 -> t.setContents(TensorContents.newBuilder().addBytesContents(ByteString.copyFrom(v.bytes())));
            case 2 -> t.setContents(TensorContents.newBuilder().addAllInt64Contents(v.numbers()));
            default ->
                t.setContents(
                        TensorContents.newBuilder().addFp32Contents(v.real()).addFp32Contents(v.small()));
        };
    }

    /** Every valid request, one per method that takes a request worth sending. */
    static List<Case> valid() {
        return List.of(
                new Case("infer mlp", INFER, v -> mlp()),
                new Case("infer embed", INFER, v -> embed()),
                new Case("stream mlp", STREAM, v -> mlp()),
                new Case("generate", GENERATE, v -> generate()),
                new Case("model infer", MODEL_INFER, v -> oip()),
                new Case(
                        "get model",
                        "llmaos.v1.ModelRepositoryService/GetModel",
                        v -> GetModelRequest.newBuilder().setName("tf-dense").build()),
                new Case(
                        "load model",
                        "llmaos.v1.ModelRepositoryService/LoadModel",
                        v -> LoadModelRequest.newBuilder().setName("tf-dense").build()),
                new Case(
                        "stats",
                        "llmaos.v1.SchedulerService/GetStats",
                        v -> GetStatsRequest.newBuilder()
                                .addModelNames("mlp-classifier")
                                .build()),
                new Case(
                        "watch stats",
                        "llmaos.v1.SchedulerService/WatchStats",
                        v -> WatchStatsRequest.newBuilder()
                                .setInterval(Duration.newBuilder().setNanos(200_000_000))
                                .build()),
                new Case(
                        "get policy",
                        "llmaos.v1.SchedulerService/GetPolicy",
                        v -> GetPolicyRequest.newBuilder()
                                .setModelName("mlp-classifier")
                                .build()),
                new Case(
                        "set policy",
                        "llmaos.v1.SchedulerService/SetPolicy",
                        v -> SetPolicyRequest.newBuilder()
                                .setPolicy(SchedulingPolicy.newBuilder()
                                        .setModelName("mlp-classifier")
                                        .addTenants(TenantPolicy.newBuilder()
                                                .setName("t")
                                                .setWeight(2)))
                                .build()),
                new Case(
                        "model ready",
                        "inference.GRPCInferenceService/ModelReady",
                        v -> ModelReadyRequest.newBuilder().setName("tf-dense").build()),
                new Case(
                        "model metadata",
                        "inference.GRPCInferenceService/ModelMetadata",
                        v -> ModelMetadataRequest.newBuilder()
                                .setName("gpt-kjv")
                                .build()),
                new Case(
                        "health",
                        "grpc.health.v1.Health/Check",
                        v -> HealthCheckRequest.newBuilder()
                                .setService("llmaos.v1.InferenceService")
                                .build()));
    }

    /** One hostile value in one field of a valid request, for every field worth perturbing. */
    static List<Case> perturbations() {
        List<Case> all = new ArrayList<>();
        all.add(new Case(
                "infer model name",
                INFER,
                v -> mlp().toBuilder().setModelName(v.text()).build()));
        all.add(new Case(
                "infer version",
                INFER,
                v -> mlp().toBuilder().setModelVersion(v.number()).build()));
        all.add(new Case(
                "infer priority",
                INFER,
                v -> mlp().toBuilder().setPriority(v.small()).build()));
        all.add(new Case(
                "infer timeout",
                INFER,
                v -> mlp().toBuilder().setTimeout(duration(v)).build()));
        all.add(new Case(
                "infer shape",
                INFER,
                v -> mlp().toBuilder()
                        .setInputs(
                                0, mlp().getInputs(0).toBuilder().clearShape().addAllShape(v.numbers()))
                        .build()));
        all.add(new Case(
                "infer input",
                INFER,
                v -> mlp().toBuilder().setInputs(0, tensor(v)).build()));
        all.add(new Case(
                "infer extra input",
                INFER,
                v -> mlp().toBuilder().addInputs(tensor(v)).build()));
        all.add(new Case("infer many inputs", INFER, v -> {
            InferRequest.Builder b = mlp().toBuilder();
            // short names: 20,000 inputs named by a 300,000-character text would not fit one message
            String name = v.text().length() > 64 ? "input" : v.text();
            for (int i = 0; i < Math.min(Math.abs(v.small()), 20_000); i++) {
                b.addInputs(Tensor.newBuilder()
                        .setName(name + i)
                        .setDatatype(DataType.FP32)
                        .addShape(1));
            }
            return b.build();
        }));
        all.add(new Case(
                "infer outputs",
                INFER,
                v -> mlp().toBuilder()
                        .addOutputs(
                                RequestedOutput.newBuilder().setName(v.text()).setRaw(v.number() % 2 == 0))
                        .build()));
        all.add(new Case(
                "infer parameters",
                INFER,
                v -> mlp().toBuilder()
                        .putParameters(v.text(), v.text())
                        .putParameters("top_k", String.valueOf(v.number()))
                        .build()));
        all.add(new Case(
                "embed text",
                INFER,
                v -> embed().toBuilder()
                        .setInputs(
                                0,
                                embed().getInputs(0).toBuilder()
                                        .setContents(TensorContents.newBuilder()
                                                .addBytesContents(ByteString.copyFromUtf8(v.text()))
                                                .addBytesContents(ByteString.copyFrom(v.bytes())))
                                        .setShape(0, 2))
                        .build()));
        all.add(new Case(
                "embed raw",
                INFER,
                v -> embed().toBuilder()
                        .setInputs(
                                0,
                                embed().getInputs(0).toBuilder()
                                        .clearContents()
                                        .setRawContents(ByteString.copyFrom(v.bytes())))
                        .build()));
        all.add(new Case(
                "stream id",
                STREAM,
                v -> mlp().toBuilder()
                        .setRequestId(v.text())
                        .setPriority(v.small())
                        .build()));
        all.add(new Case(
                "generate text",
                GENERATE,
                v -> generate().toBuilder().setText(v.text()).build()));
        all.add(new Case(
                "generate ids",
                GENERATE,
                v -> generate().toBuilder()
                        .setTokenIds(TokenIds.newBuilder().addAllIds(v.numbers()))
                        .build()));
        all.add(new Case(
                "generate sampling",
                GENERATE,
                v -> generate().toBuilder()
                        .setSampling(SamplingParams.newBuilder()
                                .setMaxNewTokens(Math.floorMod(v.small(), 40))
                                .setTemperature(v.real())
                                .setTopK(v.small())
                                .setTopP(v.real())
                                .setSeed(v.number()))
                        .build()));
        all.add(new Case(
                "generate length",
                GENERATE,
                v -> generate().toBuilder()
                        .setSampling(SamplingParams.newBuilder()
                                .setMaxNewTokens((int) v.number())
                                .setIgnoreEos(true))
                        .setTimeout(Duration.newBuilder().setSeconds(2))
                        .build()));
        all.add(new Case("generate stops", GENERATE, v -> {
            SamplingParams.Builder s = SamplingParams.newBuilder().setMaxNewTokens(8);
            for (int i = 0; i < Math.min(Math.abs(v.small()), 100); i++) {
                s.addStopSequences(v.text());
            }
            return generate().toBuilder().setSampling(s).build();
        }));
        all.add(new Case(
                "generate priority",
                GENERATE,
                v -> generate().toBuilder()
                        .setPriority(v.small())
                        .setTimeout(duration(v))
                        .setModelName(v.number() % 3 == 0 ? v.text() : "gpt-kjv")
                        .build()));
        all.add(new Case(
                "oip model",
                MODEL_INFER,
                v -> oip().toBuilder()
                        .setModelName(v.text())
                        .setModelVersion(v.text())
                        .build()));
        all.add(new Case(
                "oip input",
                MODEL_INFER,
                v -> oip().toBuilder()
                        .setInputs(
                                0,
                                oip().getInputs(0).toBuilder()
                                        .setName(v.text())
                                        .setDatatype(v.text())
                                        .clearShape()
                                        .addAllShape(v.numbers()))
                        .build()));
        all.add(new Case(
                "oip raw",
                MODEL_INFER,
                v -> oip().toBuilder()
                        .addRawInputContents(ByteString.copyFrom(v.bytes()))
                        .build()));
        all.add(new Case(
                "oip parameters",
                MODEL_INFER,
                v -> oip().toBuilder()
                        .putParameters(
                                "priority",
                                InferParameter.newBuilder()
                                        .setInt64Param(v.number())
                                        .build())
                        .putParameters(
                                "timeout",
                                switch (Math.floorMod(v.small(), 4)) {
                                    case 0 ->
                                        InferParameter.newBuilder()
                                                .setStringParam(v.text())
                                                .build();
                                    case 1 ->
                                        InferParameter.newBuilder()
                                                .setUint64Param(v.number())
                                                .build();
                                    case 2 ->
                                        InferParameter.newBuilder()
                                                .setDoubleParam(v.real())
                                                .build();
                                    default ->
                                        InferParameter.newBuilder()
                                                .setInt64Param(v.number())
                                                .build();
                                })
                        .putParameters(
                                v.text(),
                                InferParameter.newBuilder().setBoolParam(true).build())
                        .build()));
        all.add(new Case(
                "load override",
                "llmaos.v1.ModelRepositoryService/LoadModel",
                v -> LoadModelRequest.newBuilder()
                        .setName("tf-dense")
                        .setConfigOverride(denseConfig(v))
                        .build()));
        all.add(new Case(
                "load name",
                "llmaos.v1.ModelRepositoryService/LoadModel",
                v -> LoadModelRequest.newBuilder()
                        .setName(v.text())
                        .setVersion(v.number())
                        .build()));
        all.add(new Case(
                "unload",
                "llmaos.v1.ModelRepositoryService/UnloadModel",
                v -> io.llmaos.proto.v1.UnloadModelRequest.newBuilder()
                        .setName(v.text())
                        .setVersion(v.number())
                        .build()));
        all.add(new Case(
                "oip load config",
                "inference.GRPCInferenceService/RepositoryModelLoad",
                v -> RepositoryModelLoadRequest.newBuilder()
                        .setModelName(v.number() % 2 == 0 ? "tf-dense" : v.text())
                        .setRepositoryName(v.number() % 3 == 0 ? v.text() : "")
                        .putParameters(
                                "config",
                                ModelRepositoryParameter.newBuilder()
                                        .setStringParam(v.text())
                                        .build())
                        .build()));
        all.add(new Case(
                "set policy",
                "llmaos.v1.SchedulerService/SetPolicy",
                v -> SetPolicyRequest.newBuilder().setPolicy(policy(v)).build()));
        all.add(new Case(
                "watch interval",
                "llmaos.v1.SchedulerService/WatchStats",
                v -> WatchStatsRequest.newBuilder()
                        .setInterval(duration(v))
                        .addModelNames(v.text())
                        .build()));
        all.add(new Case(
                "watch resources",
                "llmaos.v1.ResourceService/WatchResources",
                v -> io.llmaos.proto.v1.WatchResourcesRequest.newBuilder()
                        .setInterval(duration(v))
                        .build()));
        all.add(new Case(
                "metadata",
                "inference.GRPCInferenceService/ModelMetadata",
                v -> ModelMetadataRequest.newBuilder()
                        .setName(v.text())
                        .setVersion(v.text())
                        .build()));
        all.add(new Case(
                "health",
                "grpc.health.v1.Health/Check",
                v -> HealthCheckRequest.newBuilder().setService(v.text()).build()));
        return all;
    }

    private static ModelConfig denseConfig(Values v) {
        ModelConfig.Builder c = ModelConfig.newBuilder().setMaxBatchSize(v.small());
        switch (Math.floorMod(v.number(), 5)) {
            case 0 ->
                c.setInstances(InstancePolicy.newBuilder()
                        .setMin(v.small())
                        .setMax((int) v.number())
                        .setThreadsPerInstance(Math.floorMod(v.small(), 3)));
            case 1 ->
                c.addWarmup(WarmupSample.newBuilder().setBatchSize(v.small()).setCount((int) v.number()));
            case 2 -> c.setQueue(queue(v));
            case 3 ->
                c.getDynamicBatchingBuilder().setMaxQueueDelayUs(v.number()).addPreferredBatchSizes(v.small());
            default -> c.setMaxInputElements(v.number()).putParameters(v.text(), v.text());
        }
        return c.build();
    }

    private static QueuePolicy queue(Values v) {
        QueuePolicy.Builder q =
                QueuePolicy.newBuilder().setDefaultPriority(v.small()).setAgingInterval(duration(v));
        for (int i = 0; i < Math.min(Math.abs(v.small()), 40); i++) {
            q.addLevels(PriorityLevel.newBuilder()
                    .setLevel(i + 1)
                    .setMaxQueueSize((int) v.number())
                    .setDefaultTimeout(duration(v)));
        }
        return q.build();
    }

    private static SchedulingPolicy policy(Values v) {
        SchedulingPolicy.Builder p =
                SchedulingPolicy.newBuilder().setModelName(v.number() % 2 == 0 ? "mlp-classifier" : v.text());
        switch (Math.floorMod(v.number(), 4)) {
            case 0 -> p.setQueue(queue(v));
            case 1 ->
                p.addTenants(TenantPolicy.newBuilder()
                        .setName(v.text())
                        .setWeight(v.small())
                        .setQuota(TenantQuota.newBuilder()
                                .setMaxInFlight(v.small())
                                .setMaxRequestsPerSecond(v.real())
                                .setBurst((int) v.number())));
            case 2 ->
                p.setInstances(InstancePolicy.newBuilder()
                        .setMin(Math.floorMod(v.small(), 3))
                        .setMax((int) v.number())
                        .setScaleDownIdle(duration(v)));
            default ->
                p.getDynamicBatchingBuilder().addPreferredBatchSizes(v.small()).setMaxQueueDelayUs(v.number());
        }
        return p.build();
    }
}
