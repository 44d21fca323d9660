package io.llmaos.server.api.mapping;

import io.llmaos.server.model.engine.ModelSpec;

/**
 * What one request's inputs may hold: elements per input (the model's max_input_elements, else
 * {@link InputValidator#DEFAULT_MAX_ELEMENTS}) and bytes per BYTES element (the server's
 * --max-element-bytes), both checked while decoding, before an engine or tokenizer sees anything.
 */
public record InputLimits(long maxElements, int maxElementBytes) {
    /** No bound on BYTES elements: for inputs the server itself trusts (a config's warmup samples). */
    static final InputLimits TRUSTED = new InputLimits(InputValidator.DEFAULT_MAX_ELEMENTS, Integer.MAX_VALUE);

    /** The limits for a request to {@code spec} on a server allowing {@code maxElementBytes}. */
    public static InputLimits of(ModelSpec spec, int maxElementBytes) {
        long configured = spec.maxInputElements();
        return new InputLimits(configured > 0 ? configured : InputValidator.DEFAULT_MAX_ELEMENTS, maxElementBytes);
    }
}
