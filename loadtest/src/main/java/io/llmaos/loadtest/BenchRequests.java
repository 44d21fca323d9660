package io.llmaos.loadtest;

import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.InferTensorContents;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The requests the inference benchmark sends: the same MLP row through each API, and one sentence. */
final class BenchRequests {
    static final String MLP = "mlp-classifier";
    static final String MINILM = "all-MiniLM-L6-v2";
    static final String SENTENCE = "A man is eating a piece of bread.";

    private BenchRequests() {}

    /** A server (its own process, the benchmark's JVM options) serving {@code models} with the MLP and MiniLM loaded. */
    static ServerProcess serveBoth(String serverClasspath, java.nio.file.Path models)
            throws java.io.IOException, InterruptedException {
        return ServerProcess.start(
                serverClasspath,
                ServerProcess.benchmarkJvmOptions(),
                java.util.List.of("--models", models.toString(), "--load-models", MLP + "," + MINILM));
    }

    /** llmaos.v1 Infer: {@code rows} rows of 16 features, typed contents. */
    static InferRequest mlp(int rows) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (int i = 0; i < rows * 16; i++) {
            c.addFp32Contents((i % 16) / 16f);
        }
        return InferRequest.newBuilder()
                .setModelName(MLP)
                .addInputs(Tensor.newBuilder()
                        .setName("features")
                        .setDatatype(DataType.FP32)
                        .addShape(rows)
                        .addShape(16)
                        .setContents(c))
                .build();
    }

    /** OIP ModelInfer: one row of 16 features, typed ({@code fp32_contents}) or raw ({@code raw_input_contents}). */
    static ModelInferRequest oipMlp(boolean raw) {
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("features")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(16);
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(MLP);
        if (raw) {
            ByteBuffer bytes = ByteBuffer.allocate(16 * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 16; i++) {
                bytes.putFloat(i / 16f);
            }
            b.addInputs(input).addRawInputContents(ByteString.copyFrom(bytes.array()));
        } else {
            InferTensorContents.Builder c = InferTensorContents.newBuilder();
            for (int i = 0; i < 16; i++) {
                c.addFp32Contents(i / 16f);
            }
            b.addInputs(input.setContents(c));
        }
        return b.build();
    }

    /** llmaos.v1 Infer of all-MiniLM-L6-v2 on {@link #SENTENCE}. */
    static InferRequest text() {
        return InferRequest.newBuilder()
                .setModelName(MINILM)
                .addInputs(Tensor.newBuilder()
                        .setName("text")
                        .setDatatype(DataType.BYTES)
                        .addShape(1)
                        .setContents(TensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(SENTENCE, StandardCharsets.UTF_8))))
                .build();
    }
}
