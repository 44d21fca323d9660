package io.llmaos.optimizer.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.proto.v1.ModelConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --apply's write is atomic: a writer killed with SIGKILL at each of its steps leaves config.json
 * whole, the old one before the rename and the new one after, never a half; a finished write keeps the
 * old file as config.json.bak.
 */
class ConfigWriterTest {
    private static final int STEPS = 5;

    @TempDir
    Path dir;

    @Test
    void aWriterKilledAtAnyStepLeavesTheOldFileOrTheNewOne() throws Exception {
        for (int step = 0; step < STEPS; step++) {
            Path model = Files.createDirectories(dir.resolve("m" + step));
            ConfigWriter.write(
                    model, ModelConfig.newBuilder().setMaxBatchSize(8).build(), ConfigWriter.Checkpoint.NONE);
            Files.deleteIfExists(model.resolve(ConfigWriter.BACKUP));
            Process writer = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            CrashingWriter.class.getName(),
                            model.toString(),
                            "64",
                            String.valueOf(step))
                    .redirectErrorStream(true)
                    .start();
            String said;
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                said = r.readLine();
                assertTrue(said != null && said.startsWith("AT "), "step " + step + ": " + said);
                writer.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
                assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            }
            int batch = ConfigWriter.read(model).getMaxBatchSize();
            boolean renamed = step >= 3; // 0 new written, 1 backup written, 2 backup in place, 3 new in place, 4 synced
            assertEquals(renamed ? 64 : 8, batch, "killed at '" + said.substring(3) + "'");
            if (step >= 2) {
                // the backup, once in place, is whole too
                assertTrue(Files.readString(model.resolve(ConfigWriter.BACKUP)).contains("\"max_batch_size\": 8"));
            }
        }
    }

    @Test
    void aFinishedWriteKeepsTheOldFileAsTheBackup() throws Exception {
        ConfigWriter.write(dir, ModelConfig.newBuilder().setMaxBatchSize(8).build(), ConfigWriter.Checkpoint.NONE);
        assertFalse(Files.exists(dir.resolve(ConfigWriter.BACKUP)), "nothing to keep the first time");
        ConfigWriter.write(dir, ModelConfig.newBuilder().setMaxBatchSize(16).build(), ConfigWriter.Checkpoint.NONE);
        assertEquals(16, ConfigWriter.read(dir).getMaxBatchSize());
        assertTrue(Files.readString(dir.resolve(ConfigWriter.BACKUP)).contains("\"max_batch_size\": 8"));
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of(ConfigWriter.CONFIG, ConfigWriter.BACKUP),
                    files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
    }
}
