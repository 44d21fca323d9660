package io.llmaos.server.model.engine;

/** A model's tokenizer: text to token ids and back. Thread-safe. */
public interface TokenCodec {
    /** The token ids of {@code text} (no special tokens added). */
    long[] encode(String text);

    /**
     * The text of {@code ids}. Bytes that do not form whole UTF-8 characters come out as U+FFFD,
     * so callers decoding a growing sequence hold back a trailing U+FFFD.
     */
    String decode(long[] ids);
}
