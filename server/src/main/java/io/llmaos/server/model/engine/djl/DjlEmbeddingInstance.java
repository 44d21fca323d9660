package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.EmbeddingPooling;
import io.llmaos.server.model.engine.EmbeddingSpec;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text in, sentence vectors out: tokenizes a BYTES batch with the model's HuggingFace tokenizer
 * (truncated at max_length), runs the transformer on input_ids/attention_mask/token_type_ids (the
 * batch padded to its longest text, or each text alone when the spec says per sequence), then pools
 * and normalises the token vectors.
 */
final class DjlEmbeddingInstance implements ModelInstance {
    private final ModelSpec spec;
    private final EmbeddingSpec embedding;
    private final Model model;
    private final HuggingFaceTokenizer tokenizer;
    private final Predictor<NDList, NDList> predictor;

    DjlEmbeddingInstance(ModelSpec spec, Model model) {
        this.spec = spec;
        this.embedding = spec.embedding();
        this.model = model;
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(embedding.tokenizerFile())
                    .optAddSpecialTokens(embedding.addSpecialTokens())
                    .optTruncation(true)
                    .optMaxLength(embedding.maxLength())
                    .optPadding(true)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE,
                    "cannot read the tokenizer of " + spec.ref() + ": " + DjlEngine.rootMessage(e),
                    e);
        }
        this.predictor = model.newPredictor(new NoopTranslator());
    }

    @Override
    public List<Tensor> execute(List<Tensor> inputs) {
        Tensor text = inputs.stream()
                .filter(t -> t.name().equals(embedding.textInput()))
                .findFirst()
                .orElseThrow(
                        () -> new InvalidInputException("inputs", "missing input '" + embedding.textInput() + "'"));
        List<String> texts = decode(text.strings());
        if (texts.isEmpty()) {
            return outputs(Tensor.ofFloats(embedding.embeddingOutput(), new long[] {0, 0}, new float[0]), new long[0]);
        }
        int dim = -1;
        float[] pooled = null;
        long[] counts = new long[texts.size()];
        if (embedding.perSequence()) {
            for (int i = 0; i < texts.size(); i++) {
                Encoding[] one = {tokenizer.encode(texts.get(i))};
                float[] vector = embed(one);
                counts[i] = tokens(one[0]);
                dim = vector.length;
                pooled = pooled == null ? new float[texts.size() * dim] : pooled;
                System.arraycopy(vector, 0, pooled, i * dim, dim);
            }
        } else {
            Encoding[] all = tokenizer.batchEncode(texts);
            pooled = embed(all);
            for (int i = 0; i < all.length; i++) {
                counts[i] = tokens(all[i]);
            }
            dim = pooled.length / texts.size();
        }
        long[] outShape = spec.batched() ? new long[] {texts.size(), dim} : new long[] {dim};
        return outputs(Tensor.ofFloats(embedding.embeddingOutput(), outShape, pooled), counts);
    }

    /** The vectors, and each text's token count when the spec names an output for them. */
    private List<Tensor> outputs(Tensor vectors, long[] counts) {
        if (embedding.tokenCountOutput() == null || embedding.tokenCountOutput().isEmpty()) {
            return List.of(vectors);
        }
        long[] shape = spec.batched() ? new long[] {counts.length, 1} : new long[] {1};
        return List.of(vectors, Tensor.ofLongs(embedding.tokenCountOutput(), shape, counts));
    }

    /** The tokens of one text: those its attention mask keeps (special tokens yes, padding no). */
    private static long tokens(Encoding e) {
        long n = 0;
        for (long m : e.getAttentionMask()) {
            n += m;
        }
        return n;
    }

    /** One engine call over {@code encodings} (padded to a common length); the pooled vectors, flattened. */
    private float[] embed(Encoding[] encodings) {
        int batch = encodings.length;
        int length = encodings[0].getIds().length;
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        long[] types = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(encodings[b].getIds(), 0, ids, b * length, length);
            System.arraycopy(encodings[b].getAttentionMask(), 0, mask, b * length, length);
            System.arraycopy(encodings[b].getTypeIds(), 0, types, b * length, length);
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            Shape shape = new Shape(batch, length);
            NDList list = new NDList(
                    named(manager.create(ids, shape), "input_ids"),
                    named(manager.create(mask, shape), "attention_mask"),
                    named(manager.create(types, shape), "token_type_ids"));
            NDArray tokens = tokenOutput(predictor.predict(list));
            int dim = (int) tokens.getShape().get(2);
            return EmbeddingPooling.pool(
                    tokens.toFloatArray(), mask, batch, length, dim, embedding.pooling(), embedding.normalize());
        } catch (TranslateException | RuntimeException e) {
            if (e instanceof LlmaosException known) {
                throw known;
            }
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE, spec.ref() + " failed to run: " + DjlEngine.rootMessage(e), e);
        }
    }

    private NDArray tokenOutput(NDList outputs) {
        String wanted = embedding.tokenOutput();
        if (wanted != null && !wanted.isEmpty()) {
            for (NDArray a : outputs) {
                if (wanted.equals(a.getName())) {
                    return a;
                }
            }
        }
        return outputs.get(0);
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    private static List<String> decode(List<byte[]> elements) {
        List<String> texts = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            try {
                texts.add(StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(elements.get(i)))
                        .toString());
            } catch (CharacterCodingException e) {
                throw new InvalidInputException("inputs.text[" + i + "]", "is not valid UTF-8");
            }
        }
        return texts;
    }

    @Override
    public void close() {
        predictor.close();
        tokenizer.close();
    }
}
