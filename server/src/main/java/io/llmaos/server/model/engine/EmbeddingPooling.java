package io.llmaos.server.model.engine;

/**
 * Pools token vectors [batch, tokens, dim] into sentence vectors [batch, dim], honouring the
 * attention mask, and optionally L2-normalises them (as sentence-transformers does).
 */
public final class EmbeddingPooling {
    private EmbeddingPooling() {}

    /**
     * @param tokens flattened [batch, length, dim] token vectors
     * @param mask   flattened [batch, length] attention mask (1 = real token)
     * @return flattened [batch, dim] sentence vectors
     */
    public static float[] pool(
            float[] tokens, long[] mask, int batch, int length, int dim, Pooling pooling, boolean normalize) {
        float[] out = new float[batch * dim];
        for (int b = 0; b < batch; b++) {
            int o = b * dim;
            switch (pooling) {
                case CLS -> System.arraycopy(tokens, b * length * dim, out, o, dim);
                case MAX -> maxPool(tokens, mask, b, length, dim, out, o);
                case MEAN -> meanPool(tokens, mask, b, length, dim, out, o);
            }
            if (normalize) {
                normalize(out, o, dim);
            }
        }
        return out;
    }

    private static void meanPool(float[] tokens, long[] mask, int b, int length, int dim, float[] out, int o) {
        int count = 0;
        for (int t = 0; t < length; t++) {
            if (mask[b * length + t] == 0) {
                continue;
            }
            count++;
            int base = (b * length + t) * dim;
            for (int d = 0; d < dim; d++) {
                out[o + d] += tokens[base + d];
            }
        }
        float scale = 1f / Math.max(count, 1);
        for (int d = 0; d < dim; d++) {
            out[o + d] *= scale;
        }
    }

    private static void maxPool(float[] tokens, long[] mask, int b, int length, int dim, float[] out, int o) {
        java.util.Arrays.fill(out, o, o + dim, Float.NEGATIVE_INFINITY);
        boolean any = false;
        for (int t = 0; t < length; t++) {
            if (mask[b * length + t] == 0) {
                continue;
            }
            any = true;
            int base = (b * length + t) * dim;
            for (int d = 0; d < dim; d++) {
                out[o + d] = Math.max(out[o + d], tokens[base + d]);
            }
        }
        if (!any) {
            java.util.Arrays.fill(out, o, o + dim, 0f);
        }
    }

    private static void normalize(float[] v, int o, int dim) {
        double sum = 0;
        for (int d = 0; d < dim; d++) {
            sum += (double) v[o + d] * v[o + d];
        }
        double norm = Math.max(Math.sqrt(sum), 1e-12);
        for (int d = 0; d < dim; d++) {
            v[o + d] = (float) (v[o + d] / norm);
        }
    }
}
