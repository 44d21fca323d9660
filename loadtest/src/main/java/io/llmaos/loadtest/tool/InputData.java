package io.llmaos.loadtest.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.ModelMetadataResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inputs read from a file as perf_analyzer reads them: a JSON file {@code {"data": [{"INPUT": [...],
 * ...}, ...]}} (each entry one request; a value is a flat list of numbers, booleans or strings, or
 * {@code {"content": [...], "shape": [...]}}, or {@code {"b64": "..."}} for raw bytes), or a folder
 * of NumPy {@code NAME.npy} files (one request). Datatypes come from the model's metadata; a -1 in its
 * shape is filled from the content.
 */
final class InputData {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
    private static final Map<String, String> NPY_TYPES = Map.ofEntries(
            Map.entry("f4", "FP32"),
            Map.entry("f8", "FP64"),
            Map.entry("f2", "FP16"),
            Map.entry("i1", "INT8"),
            Map.entry("u1", "UINT8"),
            Map.entry("i2", "INT16"),
            Map.entry("u2", "UINT16"),
            Map.entry("i4", "INT32"),
            Map.entry("u4", "UINT32"),
            Map.entry("i8", "INT64"),
            Map.entry("u8", "UINT64"),
            Map.entry("b1", "BOOL"));

    private InputData() {}

    /** The requests' inputs in {@code path} (a JSON file, or a folder of .npy files). */
    static List<List<TensorInputs.Input>> read(Path path, ModelMetadataResponse metadata) throws IOException {
        return Files.isDirectory(path) ? List.of(npy(path, metadata)) : json(path, metadata);
    }

    private static List<List<TensorInputs.Input>> json(Path file, ModelMetadataResponse metadata) throws IOException {
        JsonNode data = new ObjectMapper().readTree(file.toFile()).get("data");
        if (data == null || !data.isArray() || data.isEmpty()) {
            throw new IllegalArgumentException(file + ": expected {\"data\": [{\"INPUT\": [...]}, ...]}");
        }
        List<List<TensorInputs.Input>> requests = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            List<TensorInputs.Input> inputs = new ArrayList<>();
            for (ModelMetadataResponse.TensorMetadata t : metadata.getInputsList()) {
                JsonNode value = data.get(i).get(t.getName());
                if (value == null) {
                    throw new IllegalArgumentException(file + ": entry " + i + " has no input '" + t.getName() + "'");
                }
                inputs.add(input(t, value, file + ": entry " + i + ", input '" + t.getName() + "'"));
            }
            requests.add(inputs);
        }
        return requests;
    }

    private static TensorInputs.Input input(ModelMetadataResponse.TensorMetadata t, JsonNode value, String where) {
        if (value.has("b64")) {
            byte[] raw = Base64.getDecoder().decode(value.get("b64").asText());
            long[] shape = value.has("shape")
                    ? longs(value.get("shape"))
                    : fill(t, raw.length / Math.max(1, size(t.getDatatype())), where);
            return new TensorInputs.Input(t.getName(), t.getDatatype(), shape, ByteString.copyFrom(raw));
        }
        JsonNode content = value.isObject() ? value.get("content") : value;
        if (content == null || !content.isArray()) {
            throw new IllegalArgumentException(where + ": expected a list, {\"content\": [...]} or {\"b64\": \"...\"}");
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(content, flat);
        long[] shape = value.isObject() && value.has("shape") ? longs(value.get("shape")) : fill(t, flat.size(), where);
        return new TensorInputs.Input(t.getName(), t.getDatatype(), shape, encode(t.getDatatype(), flat, where));
    }

    private static void flatten(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, out));
        } else {
            out.add(node);
        }
    }

    private static ByteString encode(String datatype, List<JsonNode> values, String where) {
        if (datatype.equals("BYTES")) {
            return TensorInputs.bytes(values.stream().map(JsonNode::asText).toList());
        }
        ByteBuffer b = ByteBuffer.allocate(values.size() * size(datatype)).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : values) {
            if (!v.isNumber() && !v.isBoolean()) {
                throw new IllegalArgumentException(where + ": '" + v + "' is not a number of " + datatype);
            }
            double d = v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asDouble();
            switch (datatype) {
                case "FP32" -> b.putFloat((float) d);
                case "FP64" -> b.putDouble(d);
                case "FP16" -> b.putShort(io.llmaos.server.codec.HalfFloats.toHalf((float) d));
                case "BOOL", "INT8", "UINT8" -> b.put((byte) v.asLong());
                case "INT16", "UINT16" -> b.putShort((short) v.asLong());
                case "INT32", "UINT32" -> b.putInt((int) v.asLong());
                case "INT64", "UINT64" -> b.putLong(v.asLong());
                default -> throw new IllegalArgumentException(where + ": cannot write datatype " + datatype);
            }
        }
        return ByteString.copyFrom(b.array());
    }

    /** One request from NAME.npy files, one per input of the model. */
    private static List<TensorInputs.Input> npy(Path dir, ModelMetadataResponse metadata) throws IOException {
        List<TensorInputs.Input> inputs = new ArrayList<>();
        for (ModelMetadataResponse.TensorMetadata t : metadata.getInputsList()) {
            Path file = dir.resolve(t.getName() + ".npy");
            if (!Files.exists(file)) {
                throw new IllegalArgumentException(
                        dir + ": no " + t.getName() + ".npy for input '" + t.getName() + "'");
            }
            byte[] all = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            if (all.length < 10
                    || (all[0] & 0xff) != 0x93
                    || !new String(all, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
                throw new IllegalArgumentException(file + " is not a NumPy .npy file");
            }
            int major = all[6];
            int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
            int start = major == 1 ? 10 : 12;
            String header = new String(all, start, headerLength, StandardCharsets.ISO_8859_1);
            Matcher descr = DESCR.matcher(header);
            Matcher fortran = FORTRAN.matcher(header);
            Matcher shape = SHAPE.matcher(header);
            if (!descr.find()
                    || !shape.find()
                    || (fortran.find() && fortran.group(1).equals("True"))) {
                throw new IllegalArgumentException(file + ": a C-ordered array with descr and shape is needed");
            }
            String d = descr.group(1);
            String type = NPY_TYPES.get(d.substring(1));
            if (d.charAt(0) == '>' || type == null || !type.equals(t.getDatatype())) {
                throw new IllegalArgumentException(file + ": dtype '" + d + "' does not hold little-endian "
                        + t.getDatatype() + " for input '" + t.getName() + "'");
            }
            List<Long> dims = new ArrayList<>();
            for (String part : shape.group(1).split(",")) {
                if (!part.isBlank()) {
                    dims.add(Long.parseLong(part.strip()));
                }
            }
            int data = start + headerLength;
            inputs.add(new TensorInputs.Input(
                    t.getName(),
                    t.getDatatype(),
                    dims.stream().mapToLong(Long::longValue).toArray(),
                    ByteString.copyFrom(all, data, all.length - data)));
        }
        return inputs;
    }

    /** The metadata's shape with a -1 filled so that it holds {@code elements}. */
    private static long[] fill(ModelMetadataResponse.TensorMetadata t, long elements, String where) {
        long[] shape = new long[t.getShapeCount()];
        long known = 1;
        int free = -1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.getShape(i);
            if (shape[i] < 0) {
                if (free >= 0) {
                    shape[i] = 1; // more than one free dimension: the later ones are 1
                } else {
                    free = i;
                    continue;
                }
            }
            known *= shape[i];
        }
        if (free >= 0) {
            shape[free] = known == 0 ? 0 : elements / known;
        }
        long product = 1;
        for (long d : shape) {
            product *= d;
        }
        if (product != elements) {
            throw new IllegalArgumentException(where + ": " + elements + " values do not fit shape "
                    + java.util.Arrays.toString(shape) + "; give \"shape\"");
        }
        return shape;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static int size(String datatype) {
        return switch (datatype) {
            case "BOOL", "INT8", "UINT8", "BYTES" -> 1;
            case "INT16", "UINT16", "FP16", "BF16" -> 2;
            case "INT32", "UINT32", "FP32" -> 4;
            default -> 8;
        };
    }
}
