package io.llmaos.server.model.engine.djl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.model.engine.TokenCodec;
import java.io.IOException;
import java.nio.file.Path;

/** A HuggingFace {@code tokenizer.json} through DJL's tokenizers binding, without special tokens. */
final class DjlTokenCodec implements TokenCodec, AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    DjlTokenCodec(Path file, String model) {
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE,
                    "cannot read the tokenizer of " + model + ": " + DjlEngine.rootMessage(e),
                    e);
        }
    }

    @Override
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
