package io.llmaos.server.codec;

import io.llmaos.server.model.engine.ModelSpec;

/**
 * What one request's inputs may hold: elements per input (the model's max_input_elements, else
 * {@link #DEFAULT_MAX_ELEMENTS}) and bytes per BYTES element (the server's
 * --max-element-bytes), both checked while decoding, before an engine or tokenizer sees anything.
 */
public record InputLimits(long maxElements, int maxElementBytes) {
    /** Elements per input when the model sets no max_input_elements: 64 Mi. */
    public static final long DEFAULT_MAX_ELEMENTS = 1L << 26;

    /** No bound on BYTES elements: for inputs the server itself trusts (a config's warmup samples). */
    public static final InputLimits TRUSTED = new InputLimits(DEFAULT_MAX_ELEMENTS, Integer.MAX_VALUE);

    /** The limits for a request to {@code spec} on a server allowing {@code maxElementBytes}. */
    public static InputLimits of(ModelSpec spec, int maxElementBytes) {
        long configured = spec.maxInputElements();
        return new InputLimits(configured > 0 ? configured : DEFAULT_MAX_ELEMENTS, maxElementBytes);
    }
}
