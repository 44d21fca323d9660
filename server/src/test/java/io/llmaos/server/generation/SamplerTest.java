package io.llmaos.server.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The sampler and its partial selection against plain sorting, on random vocabularies. */
class SamplerTest {
    private static float[] logits(Random random, int v) {
        float[] l = new float[v];
        for (int i = 0; i < v; i++) {
            // some ties on purpose
            l[i] = random.nextInt(4) == 0 ? 1.0f : (float) random.nextGaussian() * 3;
        }
        return l;
    }

    /** Every token best first, ties to the lower id: the reference partial selection must agree with. */
    private static int[] sorted(float[] logits) {
        return IntStream.range(0, logits.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    @Test
    void topKIsTheKBestInOrder() {
        Random random = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            float[] l = logits(random, 1 + random.nextInt(300));
            int k = 1 + random.nextInt(l.length);
            assertArrayEquals(Arrays.copyOf(sorted(l), k), TopTokens.largest(l, k), "trial " + trial);
        }
    }

    @Test
    void nucleusIsTheShortestPrefixReachingTopP() {
        Random random = new Random(2);
        for (int trial = 0; trial < 300; trial++) {
            float[] l = logits(random, 1 + random.nextInt(300));
            double t = 0.5 + random.nextDouble();
            double topP = 0.05 + random.nextDouble() * 0.9;
            int[] order = sorted(l);
            double max = l[order[0]] / t;
            double total = 0;
            for (float x : l) {
                total += Math.exp(x / t - max);
            }
            int n = 0;
            double cumulative = 0;
            while (n < order.length && cumulative < topP * total) {
                cumulative += Math.exp(l[order[n++]] / t - max);
            }
            assertArrayEquals(Arrays.copyOf(order, n), TopTokens.nucleus(l, t, topP), "trial " + trial);
        }
    }

    @Test
    void greedyTakesTheBestWithItsLogProbability() {
        float[] l = {0f, 3f, 1f, 3f};
        Sampler.Pick pick = new Sampler(0, 0, 1, 7).pick(l);
        assertEquals(1, pick.token());
        double lse = 3 + Math.log(Math.exp(-3) + 1 + Math.exp(-2) + 1);
        assertEquals(3 - lse, pick.logprob(), 1e-5);
    }

    @Test
    void alternativesAreTheMostLikelyOfTheDistributionDrawnFrom() {
        float[] l = {2f, 0f, 1.5f, -1f, 1f, 0.5f};
        // greedy: the whole vocabulary's log-softmax, best first; the pick is the first
        Sampler.Pick greedy = new Sampler(0, 0, 1, 7, 3).pick(l);
        assertArrayEquals(new int[] {0, 2, 4}, greedy.topTokens());
        assertEquals(greedy.logprob(), greedy.topLogprobs()[0], 1e-6);
        double lse = Math.log(Arrays.stream(new double[] {2, 0, 1.5, -1, 1, 0.5})
                .map(Math::exp)
                .sum());
        assertEquals(1.5 - lse, greedy.topLogprobs()[1], 1e-5);
        // sampling at a temperature, whole vocabulary: the picked token's log-probability is its entry
        Sampler warm = new Sampler(0.7f, 0, 1, 5, 6);
        for (int i = 0; i < 200; i++) {
            Sampler.Pick p = warm.pick(l);
            assertEquals(6, p.topTokens().length);
            int at = Arrays.stream(p.topTokens()).boxed().toList().indexOf((int) p.token());
            assertEquals(p.logprob(), p.topLogprobs()[at], 1e-5);
            double mass = 0;
            for (int k = 0; k < 6; k++) {
                mass += Math.exp(p.topLogprobs()[k]);
                assertTrue(k == 0 || p.topLogprobs()[k] <= p.topLogprobs()[k - 1], "best first");
            }
            assertEquals(1, mass, 1e-4, "the whole distribution");
        }
        // top-k 3: only its three tokens have probability, so no more than three are named
        Sampler.Pick k3 = new Sampler(1, 3, 1, 9, 5).pick(l);
        assertArrayEquals(new int[] {0, 2, 4}, k3.topTokens());
        double z = Math.exp(2) + Math.exp(1.5) + Math.exp(1);
        assertEquals(2 - Math.log(z), k3.topLogprobs()[0], 1e-5);
        assertEquals(0, new Sampler(1, 3, 1, 9).pick(l).topTokens().length, "none unless asked for");
    }

    @Test
    void topKAndTopPDrawOnlyFromTheirSetAndFollowTheSoftmax() {
        float[] l = {2f, 0f, 1.5f, -1f, 1f, 0.5f};
        Set<Long> seen = new HashSet<>();
        Sampler topK = new Sampler(1, 3, 1, 11);
        int[] counts = new int[l.length];
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            Sampler.Pick p = topK.pick(l);
            seen.add(p.token());
            counts[(int) p.token()]++;
        }
        assertEquals(Set.of(0L, 2L, 4L), seen);
        double z = Math.exp(2) + Math.exp(1.5) + Math.exp(1);
        assertEquals(Math.exp(2) / z, counts[0] / (double) draws, 0.02);
        assertEquals(Math.exp(1) / z, counts[4] / (double) draws, 0.02);

        // top-p 0.5 over the whole vocabulary: token 0 alone has 0.39 of the mass, with token 2 0.63
        seen.clear();
        Sampler topP = new Sampler(1, 0, 0.5f, 12);
        for (int i = 0; i < 2_000; i++) {
            seen.add(topP.pick(l).token());
        }
        assertEquals(Set.of(0L, 2L), seen);
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        Random random = new Random(3);
        float[][] steps = new float[50][];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = logits(random, 257);
        }
        for (float[] setting : new float[][] {{1, 0, 1}, {0.8f, 40, 1}, {1.2f, 0, 0.9f}, {1, 20, 0.8f}}) {
            Sampler a = new Sampler(setting[0], (int) setting[1], setting[2], 42);
            Sampler b = new Sampler(setting[0], (int) setting[1], setting[2], 42);
            for (float[] step : steps) {
                Sampler.Pick x = a.pick(step);
                assertEquals(x, b.pick(step));
                assertTrue(x.logprob() <= 0, "a log-probability: " + x.logprob());
            }
        }
    }
}
