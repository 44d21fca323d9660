package io.llmaos.server.core.request;

/**
 * One generated token.
 *
 * @param text    what it adds to the text: always whole UTF-8 characters ("" while a character
 *                spanning several tokens is incomplete, or while it may begin a stop sequence)
 * @param index   its position among the generated tokens, from 0
 * @param logprob its log-probability under the sampling distribution
 */
public record GeneratedToken(long tokenId, String text, int index, float logprob) {}
