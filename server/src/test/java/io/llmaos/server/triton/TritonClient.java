package io.llmaos.server.triton;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.llmaos.tritonwire.GRPCInferenceServiceGrpc;
import io.llmaos.tritonwire.InferParameter;
import io.llmaos.tritonwire.ModelInferRequest;
import io.llmaos.tritonwire.ModelInferResponse;
import io.llmaos.tritonwire.ModelStreamInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Triton client for the tests, on stubs generated from src/test/proto (written from Triton's protos,
 * not ours): requests built as Triton's Python client builds them, BYTES as 4-byte length-prefixed raw
 * contents.
 */
final class TritonClient {
    private final ManagedChannel channel;

    TritonClient(ManagedChannel channel) {
        this.channel = channel;
    }

    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking() {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async() {
        return GRPCInferenceServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** BYTES elements as Triton's clients serialise them: each a little-endian uint32 length, then the bytes. */
    static ByteString bytes(String... elements) {
        int size = 0;
        for (String e : elements) {
            size += 4 + e.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (String e : elements) {
            byte[] utf8 = e.getBytes(StandardCharsets.UTF_8);
            b.putInt(utf8.length).put(utf8);
        }
        return ByteString.copyFrom(b.array());
    }

    /** The BYTES elements of raw output contents. */
    static List<String> strings(ByteString raw) {
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<String> out = new ArrayList<>();
        while (b.remaining() > 0) {
            byte[] e = new byte[b.getInt()];
            b.get(e);
            out.add(new String(e, StandardCharsets.UTF_8));
        }
        return out;
    }

    static float[] floats(ByteString raw) {
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    static ByteString raw(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return ByteString.copyFrom(b.array());
    }

    /** The mlp-classifier's request: {@code rows} rows of 16 features, raw FP32. */
    static ModelInferRequest.Builder classifier(String id, int rows) {
        float[] features = new float[rows * 16];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) Math.sin(i * 0.37 + rows);
        }
        return ModelInferRequest.newBuilder()
                .setModelName("mlp-classifier")
                .setId(id)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("features")
                        .setDatatype("FP32")
                        .addShape(rows)
                        .addShape(16))
                .addRawInputContents(raw(features));
    }

    /** A prompt for gpt-kjv in Triton's LLM convention (as genai-perf sends it to a vLLM model). */
    static ModelInferRequest.Builder prompt(String id, String text, int maxTokens, boolean stream) {
        ByteBuffer max = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maxTokens);
        return ModelInferRequest.newBuilder()
                .setModelName("gpt-kjv")
                .setId(id)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("text_input")
                        .setDatatype("BYTES")
                        .addShape(1))
                .addRawInputContents(bytes(text))
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("max_tokens")
                        .setDatatype("INT32")
                        .addShape(1))
                .addRawInputContents(ByteString.copyFrom(max.array()))
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("stream")
                        .setDatatype("BOOL")
                        .addShape(1))
                .addRawInputContents(ByteString.copyFrom(new byte[] {(byte) (stream ? 1 : 0)}))
                .putParameters(
                        "temperature",
                        InferParameter.newBuilder().setDoubleParam(0).build());
    }

    /** Everything a ModelStreamInfer answered to {@code requests}, once the server completed it. */
    List<ModelStreamInferResponse> stream(List<ModelInferRequest> requests) throws Exception {
        List<ModelStreamInferResponse> answers = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ModelInferRequest> out = async().modelStreamInfer(new StreamObserver<>() {
            @Override
            public void onNext(ModelStreamInferResponse r) {
                synchronized (answers) {
                    answers.add(r);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        requests.forEach(out::onNext);
        out.onCompleted();
        done.get(60, TimeUnit.SECONDS);
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    static boolean isFinal(ModelInferResponse r) {
        InferParameter p = r.getParametersMap().get("triton_final_response");
        return p != null && p.getBoolParam();
    }
}
