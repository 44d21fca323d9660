package io.llmaos.server.codec;

import com.google.protobuf.ByteString;
import io.llmaos.proto.v1.TensorContents;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.tensor.DataType;
import io.llmaos.server.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensor contents between the contracts and core tensors, for every datatype: typed repeated
 * fields or raw little-endian bytes in, typed or raw out. Raw input is wrapped, not copied. Problems
 * are added to a list of field violations (the caller throws once, with all of them).
 */
public final class TensorCodec {
    private TensorCodec() {}

    /** A llmaos.v1 tensor (e.g. a warmup sample) as a core tensor; INVALID_ARGUMENT when malformed. */
    public static Tensor decode(io.llmaos.proto.v1.Tensor proto) {
        List<FieldViolation> violations = new ArrayList<>();
        TensorHeader header = header("tensor", proto, violations);
        Tensor t = violations.isEmpty() ? decode(header, proto, InputLimits.TRUSTED, violations) : null;
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return t;
    }

    public static TensorHeader header(String field, io.llmaos.proto.v1.Tensor proto, List<FieldViolation> violations) {
        DataType type = switch (proto.getDatatype()) {
            case DATA_TYPE_UNSPECIFIED, UNRECOGNIZED -> null;
            default -> DataType.valueOf(proto.getDatatype().name());
        };
        if (type == null) {
            violations.add(new FieldViolation(field + ".datatype", "is required"));
        }
        return new TensorHeader(
                field,
                proto.getName(),
                type,
                proto.getShapeList().stream().mapToLong(Long::longValue).toArray());
    }

    public static Tensor decode(
            TensorHeader h, io.llmaos.proto.v1.Tensor proto, InputLimits limits, List<FieldViolation> violations) {
        return proto.hasRawContents()
                ? decodeRaw(h, proto.getRawContents(), limits, violations)
                : decodeTyped(h, ContentsView.of(proto.getContents()), limits, violations);
    }

    /** Whether BYTES element {@code index} of {@code size} bytes is within the limit (else a violation). */
    private static boolean elementFits(
            TensorHeader h, long size, int index, InputLimits limits, List<FieldViolation> violations) {
        if (size <= limits.maxElementBytes()) {
            return true;
        }
        violations.add(new FieldViolation(
                h.field() + "[" + index + "]",
                "is a BYTES element of " + size + " bytes; the server takes at most " + limits.maxElementBytes()
                        + " (--max-element-bytes)"));
        return false;
    }

    /** Typed contents: exactly the field matching the datatype, one value per element. */
    public static Tensor decodeTyped(
            TensorHeader h, ContentsView c, InputLimits limits, List<FieldViolation> violations) {
        int count = (int) Tensor.elementCount(h.shape());
        String expected = fieldFor(h.type());
        for (String present : c.nonEmpty()) {
            if (!present.equals(expected)) {
                violations.add(new FieldViolation(
                        h.field() + ".contents." + present, "is set, but a " + h.type() + " tensor uses " + expected));
            }
        }
        int size = sizeOf(c, h.type());
        if (size != count) {
            violations.add(new FieldViolation(
                    h.field() + ".contents." + expected,
                    "has " + size + " values but shape " + java.util.Arrays.toString(h.shape()) + " needs " + count));
        }
        if (!violations.isEmpty()) {
            return null;
        }
        if (h.type() == DataType.BYTES) {
            for (int i = 0; i < count; i++) {
                if (!elementFits(h, c.bytes().get(i).size(), i, limits, violations)) {
                    return null;
                }
            }
            return Tensor.ofStrings(
                    h.name(),
                    h.shape(),
                    c.bytes().stream().map(ByteString::toByteArray).toList());
        }
        ByteBuffer b = ByteBuffer.allocate(count * h.type().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            if (!put(b, h.type(), c, i)) {
                violations.add(new FieldViolation(
                        h.field() + ".contents." + expected + "[" + i + "]", "value does not fit " + h.type()));
                return null;
            }
        }
        return Tensor.of(h.name(), h.type(), h.shape(), b.flip());
    }

    /** Raw little-endian contents; for BYTES, each element is a 4-byte length then its bytes. */
    public static Tensor decodeRaw(
            TensorHeader h, ByteString raw, InputLimits limits, List<FieldViolation> violations) {
        long count = Tensor.elementCount(h.shape());
        if (h.type() != DataType.BYTES) {
            long expected = count * h.type().byteSize();
            if (raw.size() != expected) {
                violations.add(new FieldViolation(
                        h.field() + ".raw_contents",
                        "has " + raw.size() + " bytes but shape " + java.util.Arrays.toString(h.shape()) + " of "
                                + h.type() + " needs " + expected));
                return null;
            }
            return Tensor.of(h.name(), h.type(), h.shape(), raw.asReadOnlyByteBuffer());
        }
        List<byte[]> elements = new ArrayList<>();
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 4 && elements.size() <= count) {
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) {
                break;
            }
            if (!elementFits(h, length, elements.size(), limits, violations)) {
                return null;
            }
            byte[] element = new byte[length];
            b.get(element);
            elements.add(element);
        }
        if (b.hasRemaining() || elements.size() != count) {
            violations.add(new FieldViolation(
                    h.field() + ".raw_contents", "is not " + count + " length-prefixed BYTES elements"));
            return null;
        }
        return Tensor.ofStrings(h.name(), h.shape(), elements);
    }

    /** Typed contents for a llmaos.v1 response. FP16 and BF16 are widened to fp32_contents. */
    public static TensorContents encodeTyped(Tensor t) {
        TensorContents.Builder c = TensorContents.newBuilder();
        if (t.type() == DataType.BYTES) {
            t.strings().forEach(s -> c.addBytesContents(ByteString.copyFrom(s)));
            return c.build();
        }
        ByteBuffer b = t.data();
        int n = (int) t.elementCount();
        for (int i = 0; i < n; i++) {
            switch (t.type()) {
                case BOOL -> c.addBoolContents(b.get() != 0);
                case INT8 -> c.addIntContents(b.get());
                case INT16 -> c.addIntContents(b.getShort());
                case INT32 -> c.addIntContents(b.getInt());
                case INT64 -> c.addInt64Contents(b.getLong());
                case UINT8 -> c.addUintContents(b.get() & 0xff);
                case UINT16 -> c.addUintContents(b.getShort() & 0xffff);
                case UINT32 -> c.addUintContents(b.getInt());
                case UINT64 -> c.addUint64Contents(b.getLong());
                case FP16 -> c.addFp32Contents(HalfFloats.fromHalf(b.getShort()));
                case BF16 -> c.addFp32Contents(HalfFloats.fromBfloat16(b.getShort()));
                case FP32 -> c.addFp32Contents(b.getFloat());
                case FP64 -> c.addFp64Contents(b.getDouble());
                default -> throw new IllegalStateException(t.type().name());
            }
        }
        return c.build();
    }

    /** Raw little-endian bytes (BYTES: length-prefixed elements). */
    public static ByteString encodeRaw(Tensor t) {
        if (t.type() != DataType.BYTES) {
            return ByteString.copyFrom(t.data());
        }
        int size = t.strings().stream().mapToInt(s -> 4 + s.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        t.strings().forEach(s -> b.putInt(s.length).put(s));
        return ByteString.copyFrom(b.flip());
    }

    private static String fieldFor(DataType type) {
        return switch (type) {
            case BOOL -> "bool_contents";
            case INT8, INT16, INT32 -> "int_contents";
            case INT64 -> "int64_contents";
            case UINT8, UINT16, UINT32 -> "uint_contents";
            case UINT64 -> "uint64_contents";
            case FP16, BF16, FP32 -> "fp32_contents";
            case FP64 -> "fp64_contents";
            case BYTES -> "bytes_contents";
        };
    }

    private static int sizeOf(ContentsView c, DataType type) {
        return switch (type) {
            case BOOL -> c.bools().size();
            case INT8, INT16, INT32 -> c.ints().size();
            case INT64 -> c.int64s().size();
            case UINT8, UINT16, UINT32 -> c.uints().size();
            case UINT64 -> c.uint64s().size();
            case FP16, BF16, FP32 -> c.fp32s().size();
            case FP64 -> c.fp64s().size();
            case BYTES -> c.bytes().size();
        };
    }

    /** Writes element {@code i}; false when it does not fit the type. */
    private static boolean put(ByteBuffer b, DataType type, ContentsView c, int i) {
        switch (type) {
            case BOOL -> b.put((byte) (c.bools().get(i) ? 1 : 0));
            case INT8 -> {
                int v = c.ints().get(i);
                if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
                    return false;
                }
                b.put((byte) v);
            }
            case INT16 -> {
                int v = c.ints().get(i);
                if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                    return false;
                }
                b.putShort((short) v);
            }
            case INT32 -> b.putInt(c.ints().get(i));
            case INT64 -> b.putLong(c.int64s().get(i));
            case UINT8 -> {
                long v = Integer.toUnsignedLong(c.uints().get(i));
                if (v > 0xff) {
                    return false;
                }
                b.put((byte) v);
            }
            case UINT16 -> {
                long v = Integer.toUnsignedLong(c.uints().get(i));
                if (v > 0xffff) {
                    return false;
                }
                b.putShort((short) v);
            }
            case UINT32 -> b.putInt(c.uints().get(i));
            case UINT64 -> b.putLong(c.uint64s().get(i));
            case FP16 -> b.putShort(HalfFloats.toHalf(c.fp32s().get(i)));
            case BF16 -> b.putShort(HalfFloats.toBfloat16(c.fp32s().get(i)));
            case FP32 -> b.putFloat(c.fp32s().get(i));
            case FP64 -> b.putDouble(c.fp64s().get(i));
            default -> throw new IllegalStateException(type.name());
        }
        return true;
    }
}
