package io.llmaos.server.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON of the HTTP listener: one mapper, and the error body. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code {"error": message}}. */
    static String error(String message) {
        return write(object().put("error", message == null ? "" : message));
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }

    /** {@code bytes} parsed as JSON, or IllegalArgumentException naming what is wrong (never quoting the body). */
    static JsonNode parse(byte[] bytes, int length) {
        try {
            JsonNode node = MAPPER.readTree(bytes, 0, length);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("the request body is empty; a JSON object is expected");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the request body is not JSON (at line "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                            ? p.getLocation().getLineNr() + ", column "
                                    + p.getLocation().getColumnNr()
                            : "?")
                    + ")");
        }
    }
}
