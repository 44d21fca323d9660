package io.llmaos.server.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmaos.server.core.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The best label of each row (top_k 1, found without sorting) is the first label of the scores
 * sorted best first, for any scores: ties, NaN, signed zeros and infinities included.
 */
class ClassifierInstanceTest {
    private static final List<String> LABELS = List.of("a", "b", "c", "d", "e");

    @Property(tries = 2000)
    void theBestLabelIsTheFirstOfTheSortedScores(@ForAll("scores") float[] scores) {
        ModelInstance engine = new ModelInstance() {
            @Override
            public List<Tensor> execute(List<Tensor> inputs) {
                return List.of(Tensor.ofFloats("scores", new long[] {1, scores.length}, scores));
            }

            @Override
            public void close() {}
        };
        ClassifierInstance one = new ClassifierInstance(engine, new ClassifierSpec(LABELS, false, 1));
        ClassifierInstance all = new ClassifierInstance(engine, new ClassifierSpec(LABELS, false, scores.length));
        Tensor best = one.execute(List.of()).get(1);
        Tensor sorted = all.execute(List.of()).get(1);
        int expected = IntStream.range(0, scores.length)
                .boxed()
                .sorted(Comparator.comparingDouble(c -> -scores[c]))
                .findFirst()
                .orElseThrow();
        assertEquals(LABELS.get(expected), new String(best.strings().get(0), StandardCharsets.UTF_8));
        assertEquals(
                new String(sorted.strings().get(0), StandardCharsets.UTF_8),
                new String(best.strings().get(0), StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<float[]> scores() {
        Arbitrary<Float> score = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.floats().between(-3, 3).ofScale(1)),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.of(Float.NaN, 0.0f, -0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)));
        return score.list().ofMinSize(1).ofMaxSize(LABELS.size()).map(l -> {
            float[] a = new float[l.size()];
            List<Float> copy = new ArrayList<>(l);
            for (int i = 0; i < a.length; i++) {
                a[i] = copy.get(i);
            }
            return a;
        });
    }
}
