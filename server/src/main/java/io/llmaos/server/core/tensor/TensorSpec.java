package io.llmaos.server.core.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A declared input or output: the name clients use, the element type, and the shape without the
 * batch dimension (-1 = any size). {@code engineName} is the tensor's name inside the model file.
 */
public record TensorSpec(String name, DataType type, long[] shape, String engineName) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        engineName = engineName == null || engineName.isEmpty() ? name : engineName;
    }

    public TensorSpec(String name, DataType type, long... shape) {
        this(name, type, shape, name);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape with the batch dimension prepended as -1 when the model batches. */
    public long[] shapeWithBatch(boolean batched) {
        if (!batched) {
            return shape();
        }
        long[] full = new long[shape.length + 1];
        full[0] = -1;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t
                && name.equals(t.name)
                && type == t.type
                && Arrays.equals(shape, t.shape)
                && engineName.equals(t.engineName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), engineName);
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
