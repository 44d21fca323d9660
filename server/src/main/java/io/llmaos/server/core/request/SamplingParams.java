package io.llmaos.server.core.request;

import java.util.List;

/**
 * How to pick each next token; null fields take the model's defaults.
 *
 * @param maxNewTokens  the most tokens to generate
 * @param temperature   0 = greedy
 * @param topK          0 = no limit
 * @param topP          1 (or 0) = no limit
 * @param seed          null = a fresh random seed
 * @param stopSequences generation stops when the text ends with one of these
 * @param ignoreEos     keep generating past end-of-sequence tokens
 * @param topLogprobs   how many of the most likely tokens to report with each token (0: none)
 */
public record SamplingParams(
        Integer maxNewTokens,
        Float temperature,
        Integer topK,
        Float topP,
        Long seed,
        List<String> stopSequences,
        boolean ignoreEos,
        int topLogprobs) {
    public SamplingParams {
        stopSequences = List.copyOf(stopSequences);
    }

    /** Every field left to the model's defaults. */
    public static SamplingParams defaults() {
        return new SamplingParams(null, null, null, null, null, List.of(), false, 0);
    }
}
