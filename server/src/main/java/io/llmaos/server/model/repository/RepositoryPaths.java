package io.llmaos.server.model.repository;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place that turns names and relative paths into files, refusing anything that would leave
 * the repository root: bad model names, absolute paths, {@code ..}, symbolic links whose target
 * lies outside, and hard links with names outside.
 */
public final class RepositoryPaths {

    private final Path root;

    public RepositoryPaths(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new LlmaosException(ErrorCode.NOT_FOUND, "the model repository " + root + " does not exist");
        }
    }

    /** The canonical repository root. */
    public Path root() {
        return root;
    }

    /** Throws INVALID_ARGUMENT unless {@code name} is an acceptable model name. */
    public static void requireValidName(String name) {
        Names.requireModelName("name", name);
    }

    /** Whether {@code relative} is a relative path that does not climb out of its folder. */
    public static boolean isPlainRelative(String relative) {
        try {
            Path rel = Path.of(relative);
            return !relative.isEmpty()
                    && !rel.isAbsolute()
                    && !rel.normalize().startsWith("..")
                    && !rel.normalize().toString().isEmpty();
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** The folder of model {@code name}: NOT_FOUND if absent, INVALID_ARGUMENT if it leads outside the root. */
    public Path modelDir(String name) {
        requireValidName(name);
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw LlmaosException.notFound("no model '" + name + "' in the repository");
        }
        return requireInside(dir, "model '" + name + "'");
    }

    /**
     * A file named by a configuration relative to {@code base} (a model or version folder): it must
     * be relative, must not climb out with {@code ..}, and its real path must be inside the root.
     */
    public Path resolveInside(Path base, String relative, String field) {
        return resolveInside(base, relative, field, true);
    }

    /** As {@link #resolveInside(Path, String, String)}; a missing file gives null unless {@code required}. */
    public Path resolveInside(Path base, String relative, String field, boolean required) {
        if (!isPlainRelative(relative)) {
            throw new InvalidInputException(
                    field,
                    "'" + io.llmaos.server.core.error.Echo.cut(relative)
                            + "' must be a relative path inside the model folder");
        }
        Path file = base.resolve(relative).normalize();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!required) {
                return null;
            }
            throw new InvalidInputException(field, "'" + relative + "' does not exist in " + root.relativize(base));
        }
        return requireInside(file, field);
    }

    /** {@code path} canonicalised, or INVALID_ARGUMENT when its real location is outside the root. */
    public Path requireInside(Path path, String what) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw LlmaosException.notFound(what + " cannot be resolved: " + root.relativize(path.normalize()));
        }
        if (!real.startsWith(root)) {
            throw new InvalidInputException(what, "leads outside the model repository");
        }
        return real;
    }

    /**
     * Checks every file under a version folder, so neither a symlink nor a hard link inside can reach
     * outside the root: a file with more names than the repository holds (by file key) is refused.
     */
    public void requireTreeInside(Path dir, String what) {
        List<Path> linked = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                requireInside(p, what);
                if (links(p) > 1) {
                    linked.add(p);
                }
            }
            if (!linked.isEmpty()) {
                requireNoNameOutside(linked, what);
            }
        } catch (IOException e) {
            throw new LlmaosException(ErrorCode.NOT_FOUND, what + " cannot be read: " + e.getMessage());
        }
    }

    /** Refuses a file of {@code linked} that has more names than the root holds: one lies outside. */
    private void requireNoNameOutside(List<Path> linked, String what) throws IOException {
        Map<Object, Long> inside;
        try (var all = Files.walk(root)) {
            inside = all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(RepositoryPaths::fileKey)
                    .filter(java.util.Objects::nonNull)
                    .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        }
        for (Path file : linked) {
            int links = links(file);
            long here = inside.getOrDefault(fileKey(file), 0L);
            if (here < links) {
                throw new InvalidInputException(
                        what,
                        "'" + root.relativize(file) + "' is a hard link with " + links + " names, " + (links - here)
                                + " of them outside the model repository");
            }
        }
    }

    /** The names (hard links) of a regular file; 1 for anything else or where the file system keeps no count. */
    private static int links(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return 1;
        }
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
