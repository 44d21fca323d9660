package io.llmaos.server.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A named tensor. Fixed-size elements live in one little-endian {@link ByteBuffer} (row-major, no
 * padding); BYTES elements are a list of byte arrays. Instances are immutable: accessors return
 * read-only views and copies.
 */
public final class Tensor {
    private final String name;
    private final DataType type;
    private final long[] shape;
    private final ByteBuffer data;
    private final List<byte[]> strings;

    private Tensor(String name, DataType type, long[] shape, ByteBuffer data, List<byte[]> strings) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.shape = shape.clone();
        this.data = data;
        this.strings = strings;
        long count = elementCount(this.shape);
        if (type.isFixedSize()) {
            if (data.remaining() != count * type.byteSize()) {
                throw new IllegalArgumentException(
                        name + ": " + data.remaining() + " bytes for " + count + " elements of " + type);
            }
        } else if (strings.size() != count) {
            throw new IllegalArgumentException(name + ": " + strings.size() + " strings for " + count + " elements");
        }
    }

    /** A fixed-size tensor over {@code data} (little-endian; not copied, so do not change it afterwards). */
    public static Tensor of(String name, DataType type, long[] shape, ByteBuffer data) {
        if (!type.isFixedSize()) {
            throw new IllegalArgumentException("BYTES tensors hold strings, not a buffer");
        }
        return new Tensor(name, type, shape, data.slice().order(ByteOrder.LITTLE_ENDIAN), null);
    }

    /** A BYTES tensor. */
    public static Tensor ofStrings(String name, long[] shape, List<byte[]> elements) {
        return new Tensor(name, DataType.BYTES, shape, null, List.copyOf(elements));
    }

    /** An FP32 tensor copied from {@code values}. */
    public static Tensor ofFloats(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return of(name, DataType.FP32, shape, b);
    }

    /** An INT64 tensor copied from {@code values}. */
    public static Tensor ofLongs(String name, long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return of(name, DataType.INT64, shape, b);
    }

    /** The product of the dimensions (1 for a scalar). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String name() {
        return name;
    }

    public DataType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long elementCount() {
        return elementCount(shape);
    }

    /** A read-only little-endian view of the elements (fixed-size types only). */
    public ByteBuffer data() {
        if (data == null) {
            throw new IllegalStateException(name + " is a BYTES tensor");
        }
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements of a BYTES tensor (the arrays must not be changed). */
    public List<byte[]> strings() {
        if (strings == null) {
            throw new IllegalStateException(name + " is not a BYTES tensor");
        }
        return strings;
    }

    /** The elements of an FP32 tensor, copied. */
    public float[] toFloats() {
        requireType(DataType.FP32);
        float[] out = new float[(int) elementCount()];
        data().asFloatBuffer().get(out);
        return out;
    }

    /** The same elements under another name. */
    public Tensor withName(String newName) {
        return new Tensor(newName, type, shape, data, strings);
    }

    private void requireType(DataType expected) {
        if (type != expected) {
            throw new IllegalStateException(name + " is " + type + ", not " + expected);
        }
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
