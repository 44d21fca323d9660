package io.llmaos.server.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.grpc.health.v1.HealthCheckRequest;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelReadyRequest;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetPolicyRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import io.llmaos.proto.v1.WatchStatsRequest;
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

    static Duration duration(Values v) {
        return Duration.newBuilder()
                .setSeconds(v.number())
                .setNanos(v.small() * 40_000 - 1)
                .build();
    }

    static Tensor.Builder tensor(Values v) {
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
}
