package io.llmaos.server.core.request;

/**
 * One generated token.
 *
 * @param text    what it adds to the text: always whole UTF-8 characters ("" while a character
 *                spanning several tokens is incomplete, or while it may begin a stop sequence)
 * @param index   its position among the generated tokens, from 0
 * @param logprob its log-probability under the sampling distribution
 * @param top     the most likely tokens of that distribution, best first, when they were asked for
 */
public record GeneratedToken(long tokenId, String text, int index, float logprob, java.util.List<Alternative> top) {
    public GeneratedToken {
        top = java.util.List.copyOf(top);
    }

    public GeneratedToken(long tokenId, String text, int index, float logprob) {
        this(tokenId, text, index, logprob, java.util.List.of());
    }

    /** One of the most likely tokens at a step: its id, its text alone, its log-probability. */
    public record Alternative(long tokenId, String text, float logprob) {}
}
