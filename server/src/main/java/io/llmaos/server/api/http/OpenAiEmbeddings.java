package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GetModelResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /v1/embeddings} over an EMBEDDING model: {@code input} (a string or a list of strings)
 * as the model's text input, in {@code Infer} calls of at most its {@code max_batch_size} texts each
 * (issued together, so the batcher sees them all); {@code encoding_format} {@code float} (default) or
 * {@code base64} (the vector's little-endian float32 bytes, as the OpenAI API writes it). Token ids as
 * input are refused (the model tokenizes its texts itself); {@code usage} counts the texts' tokens as
 * the model's {@code embedding.token_count_output} reports them (0 for a model without one).
 */
final class OpenAiEmbeddings {
    /** The most texts one request may carry (the OpenAI API's limit). */
    static final int MAX_INPUTS = 2048;

    private final GrpcBridge grpc;

    OpenAiEmbeddings(GrpcBridge grpc) {
        this.grpc = grpc;
    }

    void embed(OpenAiRoutes.Request r) {
        JsonNode b = r.body();
        String model = r.model();
        List<String> texts = texts(b.path("input"));
        String format = b.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw OpenAiError.invalid("encoding_format", "encoding_format is float or base64");
        }
        JsonNode dimensions = b.path("dimensions");
        OpenAiRoutes.withModel(
                grpc,
                r,
                ModelKind.EMBEDDING,
                "an embedding model",
                m -> infer(r, m, texts, format.equals("base64"), dimensions));
    }

    private static List<String> texts(JsonNode input) {
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            for (JsonNode one : input) {
                if (!one.isTextual()) {
                    throw OpenAiError.invalid(
                            "input", "input is a string or a list of strings (token ids are not taken: send the text)");
                }
                texts.add(one.asText());
            }
        } else {
            throw OpenAiError.invalid("input", "input is a string or a list of 1 to " + MAX_INPUTS + " strings");
        }
        return texts;
    }

    /** The texts in calls of at most max_batch_size each; answered once all are back. */
    private void infer(OpenAiRoutes.Request r, GetModelResponse m, List<String> texts, boolean base64, JsonNode dims) {
        var config = m.getConfig();
        String input = !config.getEmbedding().getTextInput().isEmpty()
                ? config.getEmbedding().getTextInput()
                : config.getInputs(0).getName();
        String output = !config.getEmbedding().getEmbeddingOutput().isEmpty()
                ? config.getEmbedding().getEmbeddingOutput()
                : config.getOutputs(0).getName();
        String counted = config.getEmbedding().getTokenCountOutput();
        int batch = Math.max(1, config.getMaxBatchSize());
        int calls = (texts.size() + batch - 1) / batch;
        float[][] vectors = new float[texts.size()][];
        java.util.concurrent.atomic.AtomicLong tokens = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger left = new AtomicInteger(calls);
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        for (int c = 0; c < calls; c++) {
            int from = c * batch;
            List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
            TensorContents.Builder contents = TensorContents.newBuilder();
            part.forEach(t -> contents.addBytesContents(ByteString.copyFromUtf8(t)));
            Tensor.Builder tensor = Tensor.newBuilder()
                    .setName(input)
                    .setDatatype(DataType.BYTES)
                    .setContents(contents);
            if (config.getMaxBatchSize() > 0) {
                tensor.addShape(part.size());
            }
            InferRequest request = InferRequest.newBuilder()
                    .setModelName(r.model())
                    .addInputs(tensor)
                    .setPriority(r.priority())
                    .build();
            grpc.unary(
                    InferenceServiceGrpc.getInferMethod(),
                    request,
                    r.x(),
                    r.deadline(),
                    response -> {
                        float[][] rows = rows(response, output, part.size());
                        System.arraycopy(rows, 0, vectors, from, rows.length);
                        tokens.addAndGet(tokens(response, counted));
                        if (left.decrementAndGet() == 0 && !failed.get()) {
                            answer(r, vectors, tokens.get(), base64, dims);
                        }
                    },
                    t -> {
                        if (failed.compareAndSet(false, true)) {
                            OpenAiError.of(t).answer(r.x());
                        }
                    });
        }
    }

    /** The {@code n} vectors of {@code output} in {@code response}. */
    private static float[][] rows(InferResponse response, String output, int n) {
        Tensor t = response.getOutputsList().stream()
                .filter(o -> o.getName().equals(output))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the model answered without " + output));
        float[] all;
        if (t.getContents().getFp32ContentsCount() > 0) {
            all = new float[t.getContents().getFp32ContentsCount()];
            for (int i = 0; i < all.length; i++) {
                all[i] = t.getContents().getFp32Contents(i);
            }
        } else {
            ByteBuffer raw = t.getRawContents().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            all = new float[raw.remaining() / 4];
            raw.asFloatBuffer().get(all);
        }
        int dim = all.length / n;
        float[][] rows = new float[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, i * dim, rows[i], 0, dim);
        }
        return rows;
    }

    /** The tokens {@code response}'s output {@code counted} reports for its texts (0: no such output). */
    private static long tokens(InferResponse response, String counted) {
        long n = 0;
        for (Tensor t : response.getOutputsList()) {
            if (!counted.isEmpty() && t.getName().equals(counted)) {
                for (long c : t.getContents().getInt64ContentsList()) {
                    n += c;
                }
                ByteBuffer raw = t.getRawContents().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                while (raw.remaining() >= Long.BYTES) {
                    n += raw.getLong();
                }
            }
        }
        return n;
    }

    private static void answer(OpenAiRoutes.Request r, float[][] vectors, long tokens, boolean base64, JsonNode dims) {
        if (!dims.isMissingNode() && !dims.isNull() && dims.asInt() != vectors[0].length) {
            OpenAiError.invalid("dimensions", "this model's embeddings have " + vectors[0].length + " dimensions")
                    .answer(r.x());
            return;
        }
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < vectors.length; i++) {
            ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(vectors[i].length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(vectors[i]);
                e.put("embedding", java.util.Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode v = e.putArray("embedding");
                for (float f : vectors[i]) {
                    v.add(f);
                }
            }
        }
        body.put("model", r.model());
        body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        r.x().json(200, Json.write(body));
    }
}
