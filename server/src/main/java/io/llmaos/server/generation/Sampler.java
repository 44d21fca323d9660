package io.llmaos.server.generation;

import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy at temperature 0, otherwise softmax at the temperature
 * over the top-k tokens, cut to the smallest set whose probability reaches top-p, sampled with the
 * sequence's own seeded generator (the same seed, prompt and parameters give the same tokens). The
 * vocabulary is never sorted: top-k is a bounded heap, top-p draws from a heap only as many tokens
 * as the nucleus holds, and with neither the whole vocabulary is sampled in index order; all on
 * primitive arrays.
 */
public final class Sampler {
    private final double temperature;
    private final int topK;
    private final double topP;
    private final SplittableRandom random;

    public Sampler(float temperature, int topK, float topP, long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** The token picked and its log-probability under the distribution it was drawn from. */
    public record Pick(long token, float logprob) {}

    public Pick pick(float[] logits) {
        if (temperature <= 0) {
            int best = TopTokens.argmax(logits);
            return new Pick(best, (float) (logits[best] - logSumExp(logits)));
        }
        int v = logits.length;
        boolean nucleus = topP > 0 && topP < 1;
        int k = topK > 0 ? Math.min(topK, v) : v;
        if (k == v && !nucleus) {
            return sampleAll(logits);
        }
        int[] order = k < v ? TopTokens.largest(logits, k) : TopTokens.nucleus(logits, temperature, topP);
        double max = logits[order[0]] / temperature;
        double[] p = new double[order.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[order[i]] / temperature - max);
            sum += p[i];
        }
        int keep = p.length;
        if (nucleus && k < v) {
            // top-p within the top-k, renormalised
            double cumulative = 0;
            for (int i = 0; i < p.length; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= topP) {
                    keep = i + 1;
                    break;
                }
            }
            sum = 0;
            for (int i = 0; i < keep; i++) {
                sum += p[i];
            }
        }
        double r = random.nextDouble() * sum;
        int chosen = keep - 1;
        for (int i = 0; i < keep; i++) {
            r -= p[i];
            if (r <= 0) {
                chosen = i;
                break;
            }
        }
        return new Pick(order[chosen], (float) Math.log(p[chosen] / sum));
    }

    /** Samples the whole vocabulary at the temperature, in index order. */
    private Pick sampleAll(float[] logits) {
        double max = logits[TopTokens.argmax(logits)] / temperature;
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l / temperature - max);
        }
        double r = random.nextDouble() * sum;
        int chosen = logits.length - 1;
        for (int i = 0; i < logits.length; i++) {
            r -= Math.exp(logits[i] / temperature - max);
            if (r <= 0) {
                chosen = i;
                break;
            }
        }
        return new Pick(chosen, (float) (logits[chosen] / temperature - max - Math.log(sum)));
    }

    private static double logSumExp(float[] logits) {
        double max = logits[TopTokens.argmax(logits)];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }
}
