package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.InferTensorContents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One tensor's data in the three forms the HTTP listener meets: JSON (row-major, flat or nested; each
 * datatype as its JSON type, BYTES as UTF-8 strings), OIP typed contents, and raw little-endian bytes
 * (BYTES as a 4-byte little-endian length before each element), as the OIP specifies them.
 */
final class TensorJson {
    private TensorJson() {}

    /** JSON {@code data} of {@code datatype} as typed contents. */
    static InferTensorContents contents(String datatype, JsonNode data, String field) {
        List<JsonNode> values = new ArrayList<>();
        flatten(data, values, field, 0);
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (JsonNode v : values) {
            switch (datatype) {
                case "BOOL" -> c.addBoolContents(bool(v, field));
                case "INT8", "INT16", "INT32" -> c.addIntContents((int) integer(v, field));
                case "INT64" -> c.addInt64Contents(integer(v, field));
                case "UINT8", "UINT16", "UINT32" -> c.addUintContents((int) integer(v, field));
                case "UINT64" -> c.addUint64Contents(integer(v, field));
                case "FP32" -> c.addFp32Contents((float) number(v, field));
                case "FP64" -> c.addFp64Contents(number(v, field));
                case "BYTES" -> c.addBytesContents(ByteString.copyFromUtf8(string(v, field)));
                case "FP16", "BF16" ->
                    throw new IllegalArgumentException(
                            field + ": " + datatype + " has no JSON form; send it with the binary tensor extension");
                default -> throw new IllegalArgumentException(field + ": unknown datatype " + datatype);
            }
        }
        return c.build();
    }

    /** Typed contents as raw little-endian bytes. */
    static byte[] raw(String datatype, InferTensorContents c) {
        int width = width(datatype);
        switch (datatype) {
            case "BYTES" -> {
                int size = 0;
                for (ByteString s : c.getBytesContentsList()) {
                    size += 4 + s.size();
                }
                ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
                c.getBytesContentsList().forEach(s -> b.putInt(s.size()).put(s.asReadOnlyByteBuffer()));
                return b.array();
            }
            case "BOOL" -> {
                byte[] out = new byte[c.getBoolContentsCount()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) (c.getBoolContents(i) ? 1 : 0);
                }
                return out;
            }
            default -> {
                int n = switch (datatype) {
                    case "INT8", "INT16", "INT32" -> c.getIntContentsCount();
                    case "INT64" -> c.getInt64ContentsCount();
                    case "UINT8", "UINT16", "UINT32" -> c.getUintContentsCount();
                    case "UINT64" -> c.getUint64ContentsCount();
                    case "FP32" -> c.getFp32ContentsCount();
                    case "FP64" -> c.getFp64ContentsCount();
                    default -> 0;
                };
                ByteBuffer b = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    switch (datatype) {
                        case "INT8" -> b.put((byte) c.getIntContents(i));
                        case "INT16" -> b.putShort((short) c.getIntContents(i));
                        case "INT32" -> b.putInt(c.getIntContents(i));
                        case "INT64" -> b.putLong(c.getInt64Contents(i));
                        case "UINT8" -> b.put((byte) c.getUintContents(i));
                        case "UINT16" -> b.putShort((short) c.getUintContents(i));
                        case "UINT32" -> b.putInt(c.getUintContents(i));
                        case "UINT64" -> b.putLong(c.getUint64Contents(i));
                        case "FP32" -> b.putFloat(c.getFp32Contents(i));
                        case "FP64" -> b.putDouble(c.getFp64Contents(i));
                        default -> {}
                    }
                }
                return b.array();
            }
        }
    }

    /** Raw little-endian bytes of {@code datatype} as a flat JSON array. */
    static ArrayNode data(String datatype, byte[] raw) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            switch (datatype) {
                case "BOOL" -> a.add(b.get() != 0);
                case "INT8" -> a.add(b.get());
                case "INT16" -> a.add(b.getShort());
                case "INT32" -> a.add(b.getInt());
                case "INT64" -> a.add(b.getLong());
                case "UINT8" -> a.add(Byte.toUnsignedInt(b.get()));
                case "UINT16" -> a.add(Short.toUnsignedInt(b.getShort()));
                case "UINT32" -> a.add(Integer.toUnsignedLong(b.getInt()));
                case "UINT64" -> a.add(new java.math.BigInteger(Long.toUnsignedString(b.getLong())));
                case "FP16" -> a.add(io.llmaos.server.codec.HalfFloats.fromHalf(b.getShort()));
                case "BF16" -> a.add(io.llmaos.server.codec.HalfFloats.fromBfloat16(b.getShort()));
                case "FP32" -> a.add(b.getFloat());
                case "FP64" -> a.add(b.getDouble());
                case "BYTES" -> {
                    int n = b.getInt();
                    byte[] s = new byte[n];
                    b.get(s);
                    a.add(new String(s, StandardCharsets.UTF_8));
                }
                default -> throw new IllegalArgumentException("unknown datatype " + datatype);
            }
        }
        return a;
    }

    private static int width(String datatype) {
        return switch (datatype) {
            case "BOOL", "INT8", "UINT8" -> 1;
            case "INT16", "UINT16", "FP16", "BF16" -> 2;
            case "INT32", "UINT32", "FP32" -> 4;
            default -> 8;
        };
    }

    /** Flattens nested arrays row-major; a scalar is one element. */
    private static void flatten(JsonNode node, List<JsonNode> out, String field, int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException(field + ": nested deeper than 32 levels");
        }
        if (node.isArray()) {
            for (JsonNode n : node) {
                flatten(n, out, field, depth + 1);
            }
        } else {
            out.add(node);
        }
    }

    private static boolean bool(JsonNode v, String field) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(field + ": BOOL data must be true or false");
        }
        return v.asBoolean();
    }

    private static long integer(JsonNode v, String field) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(field + ": integer data must be whole numbers");
        }
        return v.asLong();
    }

    private static double number(JsonNode v, String field) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException(field + ": floating-point data must be numbers");
        }
        return v.asDouble();
    }

    private static String string(JsonNode v, String field) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + ": BYTES data must be strings");
        }
        return v.asText();
    }
}
