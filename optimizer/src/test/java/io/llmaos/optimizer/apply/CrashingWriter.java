package io.llmaos.optimizer.apply;

import io.llmaos.proto.v1.ModelConfig;
import java.nio.file.Path;

/**
 * A writer to be killed: writes a config with max_batch_size {@code args[1]} into {@code args[0]},
 * and at the checkpoint numbered {@code args[2]} says so on standard output and waits to be killed.
 */
public final class CrashingWriter {
    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        int stopAt = Integer.parseInt(args[2]);
        int[] reached = {0};
        ConfigWriter.write(
                Path.of(args[0]),
                ModelConfig.newBuilder()
                        .setMaxBatchSize(Integer.parseInt(args[1]))
                        .build(),
                step -> {
                    if (reached[0]++ == stopAt) {
                        System.out.println("AT " + step);
                        System.out.flush();
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        System.out.println("DONE");
    }
}
