package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Proto messages (a model's configuration, statistics) as Triton's REST API writes them: the proto
 * field names, every field without presence even at its default ({@code "count": 0} rather than
 * nothing), and 64-bit integers as JSON numbers ({@code "dims": [16]}, {@code "ns": 1200}) where proto
 * JSON writes strings, so a client reading {@code stats["inference_stats"]["success"]["count"]} or a
 * config's dims as numbers (perf_analyzer, tritonclient.http) finds them.
 */
final class TritonJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();

    private TritonJson() {}

    static String write(MessageOrBuilder message) {
        return Json.write(tree(message));
    }

    static JsonNode tree(MessageOrBuilder message) {
        byte[] json;
        try {
            json = PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a served message always prints", e);
        }
        JsonNode tree = Json.parse(json, json.length);
        numbers(tree, message.getDescriptorForType());
        return tree;
    }

    /** Rewrites the 64-bit integer fields of {@code node}, a message of {@code type}, as numbers. */
    private static void numbers(JsonNode node, Descriptor type) {
        if (!(node instanceof ObjectNode o)) {
            return; // a well-known type written as a scalar
        }
        for (FieldDescriptor f : type.getFields()) {
            JsonNode v = o.get(f.getName());
            if (v == null) {
                continue;
            }
            if (f.isMapField()) {
                FieldDescriptor value = f.getMessageType().findFieldByName("value");
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    e.setValue(value(e.getValue(), value));
                }
            } else if (f.isRepeated() && v instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, value(a.get(i), f));
                }
            } else {
                o.set(f.getName(), value(v, f));
            }
        }
    }

    private static JsonNode value(JsonNode v, FieldDescriptor f) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            numbers(v, f.getMessageType());
            return v;
        }
        if (f.getJavaType() != FieldDescriptor.JavaType.LONG || !v.isTextual()) {
            return v;
        }
        boolean unsigned = f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64;
        long n = unsigned ? Long.parseUnsignedLong(v.asText()) : Long.parseLong(v.asText());
        return unsigned && n < 0
                ? BigIntegerNode.valueOf(new java.math.BigInteger(Long.toUnsignedString(n)))
                : LongNode.valueOf(n);
    }
}
