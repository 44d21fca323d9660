package io.llmaos.server.api.mapping;

import io.llmaos.proto.oip.InferBatchStatistics;
import io.llmaos.proto.oip.InferStatistics;
import io.llmaos.proto.oip.MemoryUsage;
import io.llmaos.proto.oip.ModelStatistics;
import io.llmaos.proto.oip.StatisticDuration;
import io.llmaos.server.scheduler.CopyStatistics;
import io.llmaos.server.scheduler.ExecutionStats;

/** A served copy's statistics to Triton's {@code ModelStatistics}. */
public final class StatisticsMapping {
    private StatisticsMapping() {}

    public static ModelStatistics statistics(CopyStatistics c) {
        ExecutionStats e = c.execution();
        ModelStatistics.Builder b = ModelStatistics.newBuilder()
                .setName(c.ref().name())
                .setVersion(String.valueOf(c.ref().version()))
                .setLastInference(e.lastInferenceMillis())
                .setInferenceCount(e.inferenceCount())
                .setExecutionCount(e.executionCount())
                .setInferenceStats(InferStatistics.newBuilder()
                        .setSuccess(duration(e.success()))
                        .setFail(duration(e.fail()))
                        .setQueue(duration(e.queue()))
                        .setComputeInput(duration(e.computeInput()))
                        .setComputeInfer(duration(e.computeInfer()))
                        .setComputeOutput(duration(e.computeOutput()))
                        .setCacheHit(StatisticDuration.getDefaultInstance())
                        .setCacheMiss(StatisticDuration.getDefaultInstance()))
                .addMemoryUsage(MemoryUsage.newBuilder().setType("CPU").setByteSize(c.memoryBytes()));
        for (ExecutionStats.BatchStats s : e.batches()) {
            b.addBatchStats(InferBatchStatistics.newBuilder()
                    .setBatchSize(s.batchSize())
                    .setComputeInput(duration(s.computeInput()))
                    .setComputeInfer(duration(s.computeInfer()))
                    .setComputeOutput(duration(s.computeOutput())));
        }
        return b.build();
    }

    private static StatisticDuration duration(ExecutionStats.Total t) {
        return StatisticDuration.newBuilder()
                .setCount(t.count())
                .setNs(t.nanos())
                .build();
    }
}
