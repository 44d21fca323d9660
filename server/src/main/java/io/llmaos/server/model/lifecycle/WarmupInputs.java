package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.KvCacheLayout;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.WarmupSample;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.core.tensor.TensorSpec;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.ServingKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The batches run on every new instance before it is READY: the config's warmup samples, or one
 * generated from the declared inputs (zeros, every variable dimension 1, "warmup" for BYTES), or for
 * a generative model one prefill step of one token with an empty KV cache.
 */
final class WarmupInputs {
    private WarmupInputs() {}

    /** Each batch to run, repeated as often as its sample's count asks. */
    static List<List<Tensor>> batches(
            ModelSpec spec, ModelConfig config, Function<io.llmaos.proto.v1.Tensor, Tensor> decoder) {
        List<List<Tensor>> batches = new ArrayList<>();
        for (WarmupSample sample : config.getWarmupList()) {
            List<Tensor> inputs = sample.getInputsCount() > 0
                    ? sample.getInputsList().stream().map(decoder).toList()
                    : generated(spec, Math.max(1, sample.getBatchSize()));
            batches.addAll(Collections.nCopies(Math.max(1, sample.getCount()), inputs));
        }
        if (config.getWarmupCount() == 0) {
            List<Tensor> inputs = spec.kind() == ServingKind.GENERATIVE
                    ? generativeStep(config.getGeneration().getKvCache())
                    : generated(spec, 1);
            if (!inputs.isEmpty()) {
                batches.add(inputs);
            }
        }
        return batches;
    }

    private static List<Tensor> generated(ModelSpec spec, int batch) {
        List<Tensor> inputs = new ArrayList<>();
        for (TensorSpec input : spec.inputs()) {
            long[] declared = input.shape();
            long[] shape = new long[declared.length + (spec.batched() ? 1 : 0)];
            int offset = 0;
            if (spec.batched()) {
                shape[0] = batch;
                offset = 1;
            }
            for (int i = 0; i < declared.length; i++) {
                shape[offset + i] = declared[i] < 0 ? 1 : declared[i];
            }
            long count = Tensor.elementCount(shape);
            if (input.type().isFixedSize()) {
                inputs.add(Tensor.of(input.name(), input.type(), shape, ByteBuffer.allocate((int)
                        (count * input.type().byteSize()))));
            } else {
                inputs.add(Tensor.ofStrings(
                        input.name(),
                        shape,
                        Collections.nCopies((int) count, "warmup".getBytes(StandardCharsets.UTF_8))));
            }
        }
        return inputs;
    }

    /**
     * One token through a KV-cache model: ids [1,1], positions [1,1], mask [1,1], and an empty past
     * (DYNAMIC) or a cache of one slot one position long at offset 0 (STATIC).
     */
    static List<Tensor> generativeStep(KvCacheLayout kv) {
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(Tensor.ofLongs(or(kv.getInputIds(), "input_ids"), new long[] {1, 1}, new long[] {0}));
        inputs.add(Tensor.ofLongs(or(kv.getPositionIds(), "position_ids"), new long[] {1, 1}, new long[] {0}));
        inputs.add(Tensor.ofLongs(or(kv.getAttentionMask(), "attention_mask"), new long[] {1, 1}, new long[] {1}));
        if (kv.getContract() == io.llmaos.proto.v1.KvCacheContract.STATIC) {
            long[] shape = {2L * kv.getNumLayers(), 1, kv.getNumHeads(), 1, kv.getHeadDim()};
            inputs.add(Tensor.ofFloats(or(kv.getCache(), "cache"), shape, new float[(int) Tensor.elementCount(shape)]));
            inputs.add(Tensor.ofLongs(or(kv.getCacheOffset(), "cache_offset"), new long[] {1}, new long[] {0}));
            return inputs;
        }
        String past = or(kv.getPast(), "past") + "[]";
        long[] empty = {1, kv.getNumHeads(), 0, kv.getHeadDim()};
        for (int i = 0; i < 2 * kv.getNumLayers(); i++) {
            inputs.add(Tensor.ofFloats(past, empty, new float[0]));
        }
        return inputs;
    }

    private static String or(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
