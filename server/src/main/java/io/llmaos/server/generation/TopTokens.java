package io.llmaos.server.generation;

/**
 * Partial selection of the most likely tokens on primitive arrays, without sorting the
 * vocabulary: a bounded min-heap for the top k (O(V log k)), and a max-heap popped only until the
 * nucleus is complete for top-p (O(V + n log V) for a nucleus of n tokens). Ties go to the lower id.
 */
final class TopTokens {
    private TopTokens() {}

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The {@code k} tokens of highest logit, best first. */
    static int[] largest(float[] logits, int k) {
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < logits.length; i++) {
            if (size < k) {
                heap[size] = i;
                up(heap, size++, logits, false);
            } else if (better(logits, i, heap[0])) {
                heap[0] = i;
                down(heap, 0, size, logits, false);
            }
        }
        // pop the min-heap from the back: the worst goes last
        int[] best = new int[k];
        for (int n = k; n > 0; n--) {
            best[n - 1] = heap[0];
            heap[0] = heap[n - 1];
            down(heap, 0, n - 1, logits, false);
        }
        return best;
    }

    /**
     * The smallest set of most likely tokens whose probability at {@code temperature} reaches
     * {@code topP}, best first.
     */
    static int[] nucleus(float[] logits, double temperature, double topP) {
        int v = logits.length;
        double max = logits[argmax(logits)] / temperature;
        double total = 0;
        for (float l : logits) {
            total += Math.exp(l / temperature - max);
        }
        int[] heap = new int[v];
        for (int i = 0; i < v; i++) {
            heap[i] = i;
        }
        for (int i = v / 2 - 1; i >= 0; i--) {
            down(heap, i, v, logits, true);
        }
        int[] out = new int[v];
        int n = 0;
        int size = v;
        double cumulative = 0;
        while (size > 0 && cumulative < topP * total) {
            int top = heap[0];
            out[n++] = top;
            cumulative += Math.exp(logits[top] / temperature - max);
            heap[0] = heap[--size];
            down(heap, 0, size, logits, true);
        }
        return java.util.Arrays.copyOf(out, Math.max(1, n));
    }

    /** Whether token {@code a} ranks above token {@code b}. */
    private static boolean better(float[] logits, int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    }

    /** Heap order: for a max-heap the better token is on top, for a min-heap the worse. */
    private static boolean above(float[] logits, int a, int b, boolean maxHeap) {
        return maxHeap ? better(logits, a, b) : better(logits, b, a);
    }

    private static void up(int[] heap, int i, float[] logits, boolean maxHeap) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!above(logits, heap[i], heap[parent], maxHeap)) {
                return;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private static void down(int[] heap, int i, int size, float[] logits, boolean maxHeap) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int child = left + 1 < size && above(logits, heap[left + 1], heap[left], maxHeap) ? left + 1 : left;
            if (!above(logits, heap[child], heap[i], maxHeap)) {
                return;
            }
            swap(heap, i, child);
            i = child;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
