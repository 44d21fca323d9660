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
        return row(model, "x", 1, 2, 3, 4);
    }

    /** One row of 16 features for a copy of {@code mlp-classifier} named {@code model}. */
    public static InferRequest mlpRequest(String model) {
        return row(model, "features", steps(16));
    }

    /** One row of FP32 {@code values} as the input {@code input} of {@code model}: shape [1, n]. */
    public static InferRequest row(String model, String input, float... values) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (float v : values) {
            c.addFp32Contents(v);
        }
        return InferRequest.newBuilder()
                .setModelName(model)
                .addInputs(Tensor.newBuilder()
                        .setName(input)
                        .setDatatype(DataType.FP32)
                        .addShape(1)
                        .addShape(values.length)
                        .setContents(c))
                .build();
    }

    /** 0, 1/n, 2/n, ...: n values. */
    private static float[] steps(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i / (float) n;
        }
        return v;
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

    /** One row of the fake engine's tensor model: input {@code x} FP32 [1, n]. */
    public static InferRequest fakeRow(String model, float... values) {
        return row(model, "x", values);
    }

    /** A request for the test model {@code spin} (64 floats), at {@code priority}. */
    public static InferRequest spinRequest(int priority, String id) {
        return row("spin", "x", steps(64)).toBuilder()
                .setRequestId(id)
                .setPriority(priority)
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
