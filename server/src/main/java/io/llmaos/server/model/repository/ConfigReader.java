package io.llmaos.server.model.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.core.FieldViolation;
import io.llmaos.server.core.InvalidInputException;
import io.llmaos.server.core.LlmaosException;
import io.llmaos.server.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Parses {@code config.json} (proto JSON of {@link ModelConfig}); unknown fields are errors. */
final class ConfigReader {
    static final String FILE_NAME = "config.json";

    private ConfigReader() {
    }

    /** The model's configuration; an empty one when it has no config.json. */
    static ModelConfig read(Path modelDir, String displayName) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return ModelConfig.getDefaultInstance();
        }
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LlmaosException(ErrorCode.INTERNAL, displayName + " cannot be read: " + e.getMessage());
        }
        return parse(json, displayName);
    }

    /** Parses proto JSON, reporting errors against {@code displayName}. */
    static ModelConfig parse(String json, String displayName) {
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        try {
            JsonFormat.parser().merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new InvalidInputException(displayName, List.of(new FieldViolation(field(e.getMessage()),
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        }
        return builder.build();
    }

    /** The field a JsonFormat message names ("Cannot find field: foo in message ..."), else "(json)". */
    private static String field(String message) {
        if (message != null && message.startsWith("Cannot find field: ")) {
            String rest = message.substring("Cannot find field: ".length());
            int space = rest.indexOf(' ');
            return space > 0 ? rest.substring(0, space) : rest;
        }
        return "(json)";
    }
}
