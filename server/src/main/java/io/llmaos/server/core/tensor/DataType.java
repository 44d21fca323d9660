package io.llmaos.server.core.tensor;

import java.util.Optional;

/** Tensor element types: exactly those of the Open Inference Protocol, with their sizes. */
public enum DataType {
    BOOL(1),
    UINT8(1),
    UINT16(2),
    UINT32(4),
    UINT64(8),
    INT8(1),
    INT16(2),
    INT32(4),
    INT64(8),
    FP16(2),
    BF16(2),
    FP32(4),
    FP64(8),
    /** Variable-length byte strings; no fixed size. */
    BYTES(0);

    private final int byteSize;

    DataType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element; 0 for BYTES. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether elements have a fixed size (everything but BYTES). */
    public boolean isFixedSize() {
        return this != BYTES;
    }

    /** The type whose Open Inference Protocol name is {@code name} (e.g. "FP32"), if any. */
    public static Optional<DataType> fromOipName(String name) {
        for (DataType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
