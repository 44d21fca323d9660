package io.llmaos.optimizer.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.llmaos.proto.v1.ModelConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a model's {@code config.json} so that a crash at any moment leaves the old file or the new
 * one, never a half: the new text goes to {@code config.json.tmp} and is synced; the old file is copied
 * to {@code config.json.bak} the same way (through its own temporary file, renamed into place); then
 * the new file is renamed over {@code config.json} (an atomic rename on one file system), and the
 * folder is synced so the rename itself survives a power cut. A server in poll mode picks the new
 * file up at its next scan.
 */
public final class ConfigWriter {
    public static final String CONFIG = "config.json";
    public static final String BACKUP = "config.json.bak";

    /** Hears of each step as it is done (a test stops the writer there). */
    @FunctionalInterface
    public interface Checkpoint {
        Checkpoint NONE = step -> {};

        void reached(String step) throws IOException;
    }

    private ConfigWriter() {}

    /** The config in {@code modelDir}'s config.json (proto JSON, as the server reads it). */
    public static ModelConfig read(Path modelDir) throws IOException {
        ModelConfig.Builder b = ModelConfig.newBuilder();
        try {
            JsonFormat.parser().merge(Files.readString(modelDir.resolve(CONFIG), StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(modelDir.resolve(CONFIG) + " does not parse: " + e.getMessage(), e);
        }
        return b.build();
    }

    /** {@code config} as the text of a config.json (snake_case proto JSON). */
    public static String text(ModelConfig config) throws IOException {
        return JsonFormat.printer().preservingProtoFieldNames().print(config) + "\n";
    }

    /** Writes {@code config} as {@code modelDir}'s config.json, keeping the old one as config.json.bak. */
    public static void write(Path modelDir, ModelConfig config, Checkpoint checkpoint) throws IOException {
        Path target = modelDir.resolve(CONFIG);
        Path next = modelDir.resolve(CONFIG + ".tmp");
        writeSynced(next, text(config).getBytes(StandardCharsets.UTF_8));
        checkpoint.reached("new file written and synced");
        if (Files.exists(target)) {
            Path backupNext = modelDir.resolve(BACKUP + ".tmp");
            writeSynced(backupNext, Files.readAllBytes(target));
            checkpoint.reached("backup written and synced");
            Files.move(backupNext, modelDir.resolve(BACKUP), StandardCopyOption.ATOMIC_MOVE);
            checkpoint.reached("backup in place");
        }
        Files.move(next, target, StandardCopyOption.ATOMIC_MOVE);
        checkpoint.reached("new file in place");
        syncFolder(modelDir);
        checkpoint.reached("folder synced");
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel c = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                c.write(buffer);
            }
            c.force(true);
        }
    }

    /** Syncs a folder's entries (where the platform lets a folder be opened; Linux does). */
    private static void syncFolder(Path dir) throws IOException {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open a folder: the rename is still atomic, only not yet durable
        }
    }
}
