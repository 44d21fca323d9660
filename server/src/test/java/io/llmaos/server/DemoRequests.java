package io.llmaos.server;

import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;

/** Ready-made requests for the demo models. */
public final class DemoRequests {
    private DemoRequests() {}

    /** One row for a copy of {@code tf-dense} named {@code model}. */
    public static InferRequest denseRequest(String model) {
        return InferRequest.newBuilder()
                .setModelName(model)
                .addInputs(Tensor.newBuilder()
                        .setName("x")
                        .setDatatype(DataType.FP32)
                        .addShape(1)
                        .addShape(4)
                        .setContents(TensorContents.newBuilder()
                                .addFp32Contents(1)
                                .addFp32Contents(2)
                                .addFp32Contents(3)
                                .addFp32Contents(4)))
                .build();
    }

    /** One row of 16 features for a copy of {@code mlp-classifier} named {@code model}. */
    public static InferRequest mlpRequest(String model) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (int i = 0; i < 16; i++) {
            c.addFp32Contents(i / 16f);
        }
        return InferRequest.newBuilder()
                .setModelName(model)
                .addInputs(Tensor.newBuilder()
                        .setName("features")
                        .setDatatype(DataType.FP32)
                        .addShape(1)
                        .addShape(16)
                        .setContents(c))
                .build();
    }

    /** OIP ModelInfer: one row of 16 features for a copy of {@code mlp-classifier} named {@code model}. */
    public static io.llmaos.proto.oip.ModelInferRequest oipMlp(String model) {
        var in = io.llmaos.proto.oip.ModelInferRequest.InferInputTensor.newBuilder()
                .setName("features")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(16);
        for (int i = 0; i < 16; i++) {
            in.getContentsBuilder().addFp32Contents(i / 16f);
        }
        return io.llmaos.proto.oip.ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(in)
                .build();
    }

    /** A request for the test model {@code spin} (64 floats), at {@code priority}. */
    /** One row of the fake engine's tensor model: input {@code x} FP32 [1, n]. */
    public static InferRequest fakeRow(String model, float... values) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (float v : values) {
            c.addFp32Contents(v);
        }
        return InferRequest.newBuilder()
                .setModelName(model)
                .addInputs(Tensor.newBuilder()
                        .setName("x")
                        .setDatatype(DataType.FP32)
                        .addShape(1)
                        .addShape(values.length)
                        .setContents(c))
                .build();
    }

    public static InferRequest spinRequest(int priority, String id) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (int i = 0; i < 64; i++) {
            c.addFp32Contents(i / 64f);
        }
        return InferRequest.newBuilder()
                .setModelName("spin")
                .setRequestId(id)
                .setPriority(priority)
                .addInputs(Tensor.newBuilder()
                        .setName("x")
                        .setDatatype(DataType.FP32)
                        .addShape(1)
                        .addShape(64)
                        .setContents(c))
                .build();
    }

    /** OIP ModelInfer of all-MiniLM-L6-v2 with one BYTES element given as raw (length-prefixed) contents. */
    public static io.llmaos.proto.oip.ModelInferRequest minilmRaw(com.google.protobuf.ByteString raw) {
        return io.llmaos.proto.oip.ModelInferRequest.newBuilder()
                .setModelName("all-MiniLM-L6-v2")
                .addInputs(io.llmaos.proto.oip.ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("text")
                        .setDatatype("BYTES")
                        .addShape(1))
                .addRawInputContents(raw)
                .build();
    }
}
