package io.llmaos.server.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import io.grpc.health.v1.HealthCheckRequest;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelRepositoryParameter;
import io.llmaos.proto.oip.RepositoryModelLoadRequest;
import io.llmaos.proto.v1.DataType;
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
import io.llmaos.server.fuzz.FuzzCases.Values;
import java.util.ArrayList;
import java.util.List;

/** One hostile value in one field of a valid request, for every field worth perturbing ({@link FuzzCases} holds the valid requests and the values). */
final class FuzzPerturbations {
    private FuzzPerturbations() {}

    /** One hostile value in one field of a valid request, for every field worth perturbing. */
    static List<FuzzCases.Case> all() {
        List<FuzzCases.Case> all = new ArrayList<>();
        all.add(new FuzzCases.Case(
                "infer model name",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder().setModelName(v.text()).build()));
        all.add(new FuzzCases.Case(
                "infer version",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder().setModelVersion(v.number()).build()));
        all.add(new FuzzCases.Case(
                "infer priority",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder().setPriority(v.small()).build()));
        all.add(new FuzzCases.Case(
                "infer timeout",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder()
                        .setTimeout(FuzzCases.duration(v))
                        .build()));
        all.add(new FuzzCases.Case(
                "infer shape",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder()
                        .setInputs(
                                0,
                                FuzzCases.mlp().getInputs(0).toBuilder()
                                        .clearShape()
                                        .addAllShape(v.numbers()))
                        .build()));
        all.add(new FuzzCases.Case(
                "infer input",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder()
                        .setInputs(0, FuzzCases.tensor(v))
                        .build()));
        all.add(new FuzzCases.Case(
                "infer extra input",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder().addInputs(FuzzCases.tensor(v)).build()));
        all.add(new FuzzCases.Case("infer many inputs", FuzzCases.INFER, v -> {
            InferRequest.Builder b = FuzzCases.mlp().toBuilder();
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
        all.add(new FuzzCases.Case(
                "infer outputs",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder()
                        .addOutputs(
                                RequestedOutput.newBuilder().setName(v.text()).setRaw(v.number() % 2 == 0))
                        .build()));
        all.add(new FuzzCases.Case(
                "infer parameters",
                FuzzCases.INFER,
                v -> FuzzCases.mlp().toBuilder()
                        .putParameters(v.text(), v.text())
                        .putParameters("top_k", String.valueOf(v.number()))
                        .build()));
        all.add(new FuzzCases.Case(
                "embed text",
                FuzzCases.INFER,
                v -> FuzzCases.embed().toBuilder()
                        .setInputs(
                                0,
                                FuzzCases.embed().getInputs(0).toBuilder()
                                        .setContents(TensorContents.newBuilder()
                                                .addBytesContents(ByteString.copyFromUtf8(v.text()))
                                                .addBytesContents(ByteString.copyFrom(v.bytes())))
                                        .setShape(0, 2))
                        .build()));
        all.add(new FuzzCases.Case(
                "embed raw",
                FuzzCases.INFER,
                v -> FuzzCases.embed().toBuilder()
                        .setInputs(
                                0,
                                FuzzCases.embed().getInputs(0).toBuilder()
                                        .clearContents()
                                        .setRawContents(ByteString.copyFrom(v.bytes())))
                        .build()));
        all.add(new FuzzCases.Case(
                "stream id",
                FuzzCases.STREAM,
                v -> FuzzCases.mlp().toBuilder()
                        .setRequestId(v.text())
                        .setPriority(v.small())
                        .build()));
        all.add(new FuzzCases.Case(
                "generate text",
                FuzzCases.GENERATE,
                v -> FuzzCases.generate().toBuilder().setText(v.text()).build()));
        all.add(new FuzzCases.Case(
                "generate ids",
                FuzzCases.GENERATE,
                v -> FuzzCases.generate().toBuilder()
                        .setTokenIds(TokenIds.newBuilder().addAllIds(v.numbers()))
                        .build()));
        all.add(new FuzzCases.Case(
                "generate sampling",
                FuzzCases.GENERATE,
                v -> FuzzCases.generate().toBuilder()
                        .setSampling(SamplingParams.newBuilder()
                                .setMaxNewTokens(Math.floorMod(v.small(), 40))
                                .setTemperature(v.real())
                                .setTopK(v.small())
                                .setTopP(v.real())
                                .setSeed(v.number()))
                        .build()));
        all.add(new FuzzCases.Case(
                "generate length",
                FuzzCases.GENERATE,
                v -> FuzzCases.generate().toBuilder()
                        .setSampling(SamplingParams.newBuilder()
                                .setMaxNewTokens((int) v.number())
                                .setIgnoreEos(true))
                        .setTimeout(Duration.newBuilder().setSeconds(2))
                        .build()));
        all.add(new FuzzCases.Case("generate stops", FuzzCases.GENERATE, v -> {
            SamplingParams.Builder s = SamplingParams.newBuilder().setMaxNewTokens(8);
            for (int i = 0; i < Math.min(Math.abs(v.small()), 100); i++) {
                s.addStopSequences(v.text());
            }
            return FuzzCases.generate().toBuilder().setSampling(s).build();
        }));
        all.add(new FuzzCases.Case(
                "generate priority",
                FuzzCases.GENERATE,
                v -> FuzzCases.generate().toBuilder()
                        .setPriority(v.small())
                        .setTimeout(FuzzCases.duration(v))
                        .setModelName(v.number() % 3 == 0 ? v.text() : "gpt-kjv")
                        .build()));
        all.add(new FuzzCases.Case(
                "oip model",
                FuzzCases.MODEL_INFER,
                v -> FuzzCases.oip().toBuilder()
                        .setModelName(v.text())
                        .setModelVersion(v.text())
                        .build()));
        all.add(new FuzzCases.Case(
                "oip input",
                FuzzCases.MODEL_INFER,
                v -> FuzzCases.oip().toBuilder()
                        .setInputs(
                                0,
                                FuzzCases.oip().getInputs(0).toBuilder()
                                        .setName(v.text())
                                        .setDatatype(v.text())
                                        .clearShape()
                                        .addAllShape(v.numbers()))
                        .build()));
        all.add(new FuzzCases.Case(
                "oip raw",
                FuzzCases.MODEL_INFER,
                v -> FuzzCases.oip().toBuilder()
                        .addRawInputContents(ByteString.copyFrom(v.bytes()))
                        .build()));
        all.add(new FuzzCases.Case(
                "oip parameters",
                FuzzCases.MODEL_INFER,
                v -> FuzzCases.oip().toBuilder()
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
        all.add(new FuzzCases.Case(
                "load override",
                "llmaos.v1.ModelRepositoryService/LoadModel",
                v -> LoadModelRequest.newBuilder()
                        .setName("tf-dense")
                        .setConfigOverride(denseConfig(v))
                        .build()));
        all.add(new FuzzCases.Case(
                "load name",
                "llmaos.v1.ModelRepositoryService/LoadModel",
                v -> LoadModelRequest.newBuilder()
                        .setName(v.text())
                        .setVersion(v.number())
                        .build()));
        all.add(new FuzzCases.Case(
                "unload",
                "llmaos.v1.ModelRepositoryService/UnloadModel",
                v -> io.llmaos.proto.v1.UnloadModelRequest.newBuilder()
                        .setName(v.text())
                        .setVersion(v.number())
                        .build()));
        all.add(new FuzzCases.Case(
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
        all.add(new FuzzCases.Case(
                "set policy",
                "llmaos.v1.SchedulerService/SetPolicy",
                v -> SetPolicyRequest.newBuilder().setPolicy(policy(v)).build()));
        all.add(new FuzzCases.Case(
                "watch interval",
                "llmaos.v1.SchedulerService/WatchStats",
                v -> WatchStatsRequest.newBuilder()
                        .setInterval(FuzzCases.duration(v))
                        .addModelNames(v.text())
                        .build()));
        all.add(new FuzzCases.Case(
                "watch resources",
                "llmaos.v1.ResourceService/WatchResources",
                v -> io.llmaos.proto.v1.WatchResourcesRequest.newBuilder()
                        .setInterval(FuzzCases.duration(v))
                        .build()));
        all.add(new FuzzCases.Case(
                "metadata",
                "inference.GRPCInferenceService/ModelMetadata",
                v -> ModelMetadataRequest.newBuilder()
                        .setName(v.text())
                        .setVersion(v.text())
                        .build()));
        all.add(new FuzzCases.Case(
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
                QueuePolicy.newBuilder().setDefaultPriority(v.small()).setAgingInterval(FuzzCases.duration(v));
        for (int i = 0; i < Math.min(Math.abs(v.small()), 40); i++) {
            q.addLevels(PriorityLevel.newBuilder()
                    .setLevel(i + 1)
                    .setMaxQueueSize((int) v.number())
                    .setDefaultTimeout(FuzzCases.duration(v)));
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
                        .setScaleDownIdle(FuzzCases.duration(v)));
            default ->
                p.getDynamicBatchingBuilder().addPreferredBatchSizes(v.small()).setMaxQueueDelayUs(v.number());
        }
        return p.build();
    }
}
