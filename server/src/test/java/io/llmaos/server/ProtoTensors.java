package io.llmaos.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds request tensors and reads reference files for tests. */
public final class ProtoTensors {
    private ProtoTensors() {}

    public static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    /** An FP32 tensor from a JSON matrix [[...], ...]. */
    public static Tensor fp32(String name, JsonNode matrix) {
        TensorContents.Builder c = TensorContents.newBuilder();
        int rows = matrix.size();
        int cols = matrix.get(0).size();
        matrix.forEach(row -> row.forEach(v -> c.addFp32Contents((float) v.asDouble())));
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(DataType.FP32)
                .addShape(rows)
                .addShape(cols)
                .setContents(c)
                .build();
    }

    /** A BYTES tensor of shape [n] holding UTF-8 texts. */
    public static Tensor texts(String name, List<String> texts) {
        TensorContents.Builder c = TensorContents.newBuilder();
        texts.forEach(t -> c.addBytesContents(ByteString.copyFrom(t, StandardCharsets.UTF_8)));
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(DataType.BYTES)
                .addShape(texts.size())
                .setContents(c)
                .build();
    }

    /** All values of a JSON matrix, flattened. */
    public static List<Float> flat(JsonNode matrix) {
        List<Float> values = new ArrayList<>();
        matrix.forEach(row -> row.forEach(v -> values.add((float) v.asDouble())));
        return values;
    }

    public static void assertClose(List<Float> expected, List<Float> actual, double tolerance) {
        if (expected.size() != actual.size()) {
            throw new AssertionError("expected " + expected.size() + " values, got " + actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (Math.abs(expected.get(i) - actual.get(i)) > tolerance) {
                throw new AssertionError("value " + i + ": expected " + expected.get(i) + " got " + actual.get(i)
                        + " (tolerance " + tolerance + ")");
            }
        }
    }
}
