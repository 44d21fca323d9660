package io.llmaos.client;

import com.google.protobuf.ByteString;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Tensors from and to Java arrays. */
public final class Tensors {
    private Tensors() {}

    /** An FP32 tensor of {@code shape} holding {@code values} (row-major). */
    public static Tensor fp32(String name, long[] shape, float... values) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (float v : values) {
            c.addFp32Contents(v);
        }
        return tensor(name, DataType.FP32, shape).setContents(c).build();
    }

    /** An INT64 tensor of {@code shape} holding {@code values}. */
    public static Tensor int64(String name, long[] shape, long... values) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (long v : values) {
            c.addInt64Contents(v);
        }
        return tensor(name, DataType.INT64, shape).setContents(c).build();
    }

    /** A BYTES tensor of one UTF-8 string per element. */
    public static Tensor strings(String name, List<String> values) {
        TensorContents.Builder c = TensorContents.newBuilder();
        values.forEach(v -> c.addBytesContents(ByteString.copyFrom(v, StandardCharsets.UTF_8)));
        return tensor(name, DataType.BYTES, new long[] {values.size()})
                .setContents(c)
                .build();
    }

    /** The elements of an FP32 tensor, from typed contents or raw little-endian bytes. */
    public static float[] toFloats(Tensor t, ByteString raw) {
        if (t.getContents().getFp32ContentsCount() > 0 || raw == null || raw.isEmpty()) {
            float[] out = new float[t.getContents().getFp32ContentsCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getContents().getFp32Contents(i);
            }
            return out;
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** The elements of an FP32 tensor given with typed contents. */
    public static float[] toFloats(Tensor t) {
        return toFloats(t, null);
    }

    private static Tensor.Builder tensor(String name, DataType type, long[] shape) {
        Tensor.Builder b = Tensor.newBuilder().setName(name).setDatatype(type);
        for (long d : shape) {
            b.addShape(d);
        }
        return b;
    }
}
