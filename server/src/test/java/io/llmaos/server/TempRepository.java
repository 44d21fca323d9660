package io.llmaos.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Builds model repositories in a temporary folder from copies of the demo models. */
public final class TempRepository {
    private final Path root;

    public TempRepository(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Copies demo model {@code demo} (config and version 1) to {@code name}. */
    public Path copyDemo(String demo, String name) {
        Path target = root.resolve(name);
        copyTree(TestServer.DEMO_MODELS.resolve(demo).resolve("1"), target.resolve("1"));
        copyFile(TestServer.DEMO_MODELS.resolve(demo).resolve("config.json"), target.resolve("config.json"));
        return target;
    }

    /** A copy of the demo MLP named {@code name} whose dynamic batching waits up to {@code us}. */
    public Path copyMlpWithQueueDelay(String name, long us) {
        Path target = copyDemo("mlp-classifier", name);
        try {
            Path config = target.resolve("config.json");
            Files.writeString(
                    config,
                    Files.readString(config)
                            .replace(
                                    "\"instances\"",
                                    "\"dynamic_batching\": {\"max_queue_delay_us\": " + us + "}, \"instances\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Adds version {@code version} of {@code name} as a copy of its version 1, made aside and moved
     * into place in one step, as a deployment tool would.
     */
    public void addVersion(String name, long version) {
        Path staging = root.resolveSibling(root.getFileName() + "-staging-" + name + "-" + version);
        copyTree(root.resolve(name).resolve("1"), staging);
        try {
            Files.move(staging, root.resolve(name).resolve(String.valueOf(version)), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void copyFile(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
