package io.llmaos.server.model.engine;

import java.util.List;

/**
 * Post-processing of a CLASSIFIER model: optional softmax over the scores, and a BYTES output
 * {@value #LABELS_OUTPUT} with the {@code topK} best labels of each row, best first.
 */
public record ClassifierSpec(List<String> labels, boolean softmax, int topK) {
    /** The name of the output the server adds. */
    public static final String LABELS_OUTPUT = "labels";

    public ClassifierSpec {
        labels = List.copyOf(labels);
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1");
        }
    }
}
