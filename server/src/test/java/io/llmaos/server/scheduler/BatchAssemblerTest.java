package io.llmaos.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.llmaos.server.core.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {
    @Test
    void joinsAlongTheBatchDimensionAndSplitsBack() {
        List<Tensor> a = List.of(Tensor.ofFloats("x", new long[] {1, 2}, new float[] {1, 2}));
        List<Tensor> b = List.of(Tensor.ofFloats("x", new long[] {2, 2}, new float[] {3, 4, 5, 6}));
        List<Tensor> joined = BatchAssembler.join(List.of(a, b));
        assertArrayEquals(new long[] {3, 2}, joined.get(0).shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, joined.get(0).toFloats());
        List<List<Tensor>> parts = BatchAssembler.split(joined, new long[] {1, 2});
        assertArrayEquals(new float[] {1, 2}, parts.get(0).get(0).toFloats());
        assertArrayEquals(new long[] {2, 2}, parts.get(1).get(0).shape());
        assertArrayEquals(new float[] {3, 4, 5, 6}, parts.get(1).get(0).toFloats());
    }

    @Test
    void stringsJoinAndSplitToo() {
        List<Tensor> a = List.of(Tensor.ofStrings("t", new long[] {1}, List.of("a".getBytes(StandardCharsets.UTF_8))));
        List<Tensor> b = List.of(Tensor.ofStrings(
                "t",
                new long[] {2},
                List.of("b".getBytes(StandardCharsets.UTF_8), "c".getBytes(StandardCharsets.UTF_8))));
        List<List<Tensor>> parts = BatchAssembler.split(BatchAssembler.join(List.of(a, b)), new long[] {1, 2});
        assertEquals("c", new String(parts.get(1).get(0).strings().get(1), StandardCharsets.UTF_8));
    }

    @Test
    void onlySameShapedRequestsShareAKey() {
        String k1 = BatchAssembler.key(List.of(Tensor.ofFloats("x", new long[] {1, 4}, new float[4])));
        String k2 = BatchAssembler.key(List.of(Tensor.ofFloats("x", new long[] {3, 4}, new float[12])));
        String k3 = BatchAssembler.key(List.of(Tensor.ofFloats("x", new long[] {1, 5}, new float[5])));
        assertEquals(k1, k2);
        assertNotEquals(k1, k3);
    }
}
