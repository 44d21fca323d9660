package io.llmaos.server.api;

import io.llmaos.server.api.mapping.SharedMemory;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The system shared-memory regions registered through Triton's extension, by tenant: a region is a
 * range of a POSIX shared-memory object (a regular file directly under the shared-memory folder,
 * /dev/shm), mapped once at registration. A tenant sees and uses only its own regions. A region's
 * mapping is never unmapped by hand (the JVM unmaps it once nothing refers to it), so unregistering a
 * region a request is reading cannot crash the server.
 */
final class SharedMemoryRegions {
    /** The most regions one tenant may hold. */
    static final int MAX_REGIONS_PER_TENANT = 256;

    private static final Pattern KEY = Pattern.compile("/?[A-Za-z0-9._-]{1,255}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");

    /** One registered region. */
    record Region(String name, String key, long offset, long byteSize, ByteBuffer mapping) {}

    private final Path root;
    private final Map<String, Map<String, Region>> byTenant = new ConcurrentHashMap<>();

    /** @param root the shared-memory folder (/dev/shm) */
    SharedMemoryRegions(Path root) {
        this.root = root;
    }

    /** Maps {@code [offset, offset + byteSize)} of object {@code key} as region {@code name} of {@code tenant}. */
    void register(String tenant, String name, String key, long offset, long byteSize) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException("name", "must be 1 to 128 of [A-Za-z0-9._:/@-]");
        }
        if (!KEY.matcher(key).matches() || key.replace("/", "").matches("\\.+")) {
            throw new InvalidInputException(
                    "key", "must name a shared-memory object directly under " + root + " ([A-Za-z0-9._-], one name)");
        }
        if (offset < 0 || byteSize <= 0 || byteSize > Integer.MAX_VALUE || offset > Long.MAX_VALUE - byteSize) {
            throw new InvalidInputException("byte_size", "must be from 1 to " + Integer.MAX_VALUE + " bytes");
        }
        Path file = root.resolve(key.startsWith("/") ? key.substring(1) : key);
        if (!file.getParent().equals(root) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw LlmaosException.notFound("key: no shared-memory object '" + Echo.cut(key) + "' under " + root);
        }
        Map<String, Region> regions = byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
        synchronized (regions) {
            if (regions.containsKey(name)) {
                throw new LlmaosException(
                        ErrorCode.ALREADY_EXISTS, "shared-memory region '" + name + "' is already registered");
            }
            if (regions.size() >= MAX_REGIONS_PER_TENANT) {
                throw new LlmaosException(
                        ErrorCode.CAPACITY_EXCEEDED,
                        "a tenant may register at most " + MAX_REGIONS_PER_TENANT + " shared-memory regions");
            }
            regions.put(name, new Region(name, key, offset, byteSize, map(file, key, offset, byteSize)));
        }
    }

    private static ByteBuffer map(Path file, String key, long offset, long byteSize) {
        try (FileChannel ch = open(file)) {
            if (offset + byteSize > ch.size()) {
                throw new InvalidInputException(
                        "byte_size",
                        "offset " + offset + " + byte_size " + byteSize + " is beyond the " + ch.size() + " bytes of '"
                                + Echo.cut(key) + "'");
            }
            FileChannel.MapMode mode = isWritable(ch) ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY;
            MappedByteBuffer mapped = ch.map(mode, offset, byteSize);
            return mapped;
        } catch (NoSuchFileException e) {
            throw LlmaosException.notFound("key: no shared-memory object '" + Echo.cut(key) + "'");
        } catch (AccessDeniedException e) {
            throw new LlmaosException(
                    ErrorCode.PERMISSION_DENIED,
                    "the server may not read shared-memory object '" + Echo.cut(key) + "'");
        } catch (IOException e) {
            throw new LlmaosException(
                    ErrorCode.FAILED_PRECONDITION,
                    "shared-memory object '" + Echo.cut(key) + "' cannot be mapped ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static boolean isWritable(FileChannel ch) {
        try {
            ch.write(ByteBuffer.allocate(0), 0);
            return true;
        } catch (IOException | java.nio.channels.NonWritableChannelException e) {
            return false;
        }
    }

    /** Unregisters {@code name} of {@code tenant}, or all its regions when {@code name} is empty. */
    void unregister(String tenant, String name) {
        Map<String, Region> regions = byTenant.get(tenant);
        if (name.isEmpty()) {
            byTenant.remove(tenant);
            return;
        }
        if (regions == null || regions.remove(name) == null) {
            throw LlmaosException.notFound("no shared-memory region '" + Echo.cut(name) + "' is registered");
        }
    }

    /** The regions of {@code tenant} (only {@code name} when given: NOT_FOUND when it is unknown). */
    List<Region> status(String tenant, String name) {
        Map<String, Region> regions = new TreeMap<>(byTenant.getOrDefault(tenant, Map.of()));
        if (name.isEmpty()) {
            return List.copyOf(regions.values());
        }
        Region r = regions.get(name);
        if (r == null) {
            throw LlmaosException.notFound("no shared-memory region '" + Echo.cut(name) + "' is registered");
        }
        return List.of(r);
    }

    /** What tensors of {@code tenant}'s requests may use. */
    SharedMemory of(String tenant) {
        Map<String, Region> regions = byTenant.get(tenant);
        if (regions == null) {
            return SharedMemory.NONE;
        }
        return (name, offset, byteSize, field) -> {
            Region r = regions.get(name);
            if (r == null) {
                return SharedMemory.NONE.range(name, offset, byteSize, field);
            }
            if (offset < 0 || byteSize < 0 || offset > r.byteSize() || byteSize > r.byteSize() - offset) {
                throw new InvalidInputException(
                        field,
                        "offset " + offset + " and byte size " + byteSize + " are beyond the " + r.byteSize()
                                + " bytes of shared-memory region '" + name + "'");
            }
            return r.mapping()
                    .duplicate()
                    .position((int) offset)
                    .limit((int) (offset + byteSize))
                    .slice();
        };
    }
}
