package io.llmaos.server.api.mapping;

import java.nio.ByteBuffer;

/**
 * The system shared-memory regions one tenant registered, as tensors use them: an input or output
 * names a region with the parameters "shared_memory_region", "shared_memory_offset" (default 0) and
 * "shared_memory_byte_size".
 */
public interface SharedMemory {
    /** No region registered: every use is NOT_FOUND. */
    SharedMemory NONE = (region, offset, byteSize, field) -> {
        throw io.llmaos.server.core.error.LlmaosException.notFound(field + ": no shared-memory region '"
                + io.llmaos.server.core.error.Echo.cut(region) + "' is registered");
    };

    /**
     * The bytes {@code [offset, offset + byteSize)} of region {@code region}, writable when the region
     * is: NOT_FOUND for an unknown region, INVALID_ARGUMENT for a range beyond it.
     */
    ByteBuffer range(String region, long offset, long byteSize, String field);
}
