package io.llmaos.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --input name=VALUE}: VALUE is JSON (a number, a string, or nested arrays whose nesting
 * is the shape) converted to the input's declared datatype, or {@code @file.npy} (little-endian
 * float32/64, int32/64, uint8 or bool), sent as raw bytes.
 */
final class TensorInput {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*True");
    private static final Map<String, DataType> NPY_TYPES = Map.of(
            "<f4",
            DataType.FP32,
            "<f8",
            DataType.FP64,
            "<i8",
            DataType.INT64,
            "<i4",
            DataType.INT32,
            "|u1",
            DataType.UINT8,
            "|b1",
            DataType.BOOL);

    private TensorInput() {}

    static Tensor parse(String spec, Map<String, DataType> declared) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--input is name=JSON or name=@file.npy, not '" + spec + "'");
        }
        String name = spec.substring(0, eq);
        String value = spec.substring(eq + 1);
        DataType type = declared.get(name);
        if (type == null) {
            throw new IllegalArgumentException(
                    "the model has no input '" + name + "' (it has " + declared.keySet() + ")");
        }
        return value.startsWith("@") ? npy(name, Path.of(value.substring(1))) : json(name, value, type);
    }

    static Tensor json(String name, String text, DataType type) {
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("input '" + name + "': not JSON: " + e.getMessage());
        }
        List<Long> shape = new ArrayList<>();
        for (JsonNode n = node; n.isArray(); n = n.size() > 0 ? n.get(0) : null) {
            shape.add((long) n.size());
            if (n.size() == 0) {
                break;
            }
        }
        List<JsonNode> leaves = new ArrayList<>();
        flatten(node, leaves);
        TensorContents.Builder c = TensorContents.newBuilder();
        for (JsonNode leaf : leaves) {
            switch (type) {
                case FP32, FP16, BF16 -> c.addFp32Contents((float) leaf.asDouble());
                case FP64 -> c.addFp64Contents(leaf.asDouble());
                case INT64 -> c.addInt64Contents(leaf.asLong());
                case INT8, INT16, INT32 -> c.addIntContents(leaf.asInt());
                case UINT8, UINT16, UINT32 -> c.addUintContents(leaf.asInt());
                case UINT64 -> c.addUint64Contents(leaf.asLong());
                case BOOL -> c.addBoolContents(leaf.asBoolean());
                case BYTES -> c.addBytesContents(ByteString.copyFrom(leaf.asText(), StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException("input '" + name + "': datatype " + type + " from JSON");
            }
        }
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(type)
                .addAllShape(shape)
                .setContents(c)
                .build();
    }

    private static void flatten(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, out));
        } else {
            out.add(node);
        }
    }

    static Tensor npy(String name, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("input '" + name + "': cannot read " + file + ": " + e.getMessage());
        }
        if (bytes.length < 10
                || bytes[0] != (byte) 0x93
                || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException("input '" + name + "': " + file + " is not a .npy file");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int start = (major == 1 ? 10 : 12);
        String header = new String(bytes, start, headerLength, StandardCharsets.US_ASCII);
        Matcher descr = DESCR.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !shape.find() || FORTRAN.matcher(header).find()) {
            throw new IllegalArgumentException(
                    "input '" + name + "': " + file + " has an unsupported header " + header.trim());
        }
        DataType type = NPY_TYPES.get(descr.group(1));
        if (type == null) {
            throw new IllegalArgumentException("input '" + name + "': dtype " + descr.group(1) + " is not supported"
                    + " (use one of " + NPY_TYPES.keySet() + ")");
        }
        Tensor.Builder t = Tensor.newBuilder().setName(name).setDatatype(type);
        for (String d : shape.group(1).split(",")) {
            if (!d.isBlank()) {
                t.addShape(Long.parseLong(d.trim()));
            }
        }
        return t.setRawContents(ByteString.copyFrom(bytes, start + headerLength, bytes.length - start - headerLength))
                .build();
    }
}
