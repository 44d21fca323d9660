package io.llmaos.server.model.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code config.json} (proto JSON of {@link ModelConfig}); unknown fields are errors. The
 * file is found without following links out of the repository, and a parse error says where the
 * JSON went wrong (a line and column, an unknown field's name, an enum's type) without quoting any
 * value of the file.
 */
final class ConfigReader {
    static final String FILE_NAME = "config.json";
    /** Too big for any configuration: such a file is refused before it is read. */
    static final long MAX_BYTES = 4L << 20;

    private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");
    private static final Pattern UNKNOWN_FIELD = Pattern.compile("Cannot find field: ([A-Za-z0-9_.]{1,64}) in message");
    private static final Pattern ENUM = Pattern.compile("for enum type: ([A-Za-z0-9_.]{1,128})");

    private ConfigReader() {}

    /**
     * The model's configuration; an empty one when it has no config.json. A config.json that is a
     * symbolic link must lead to a file inside the repository; anything else is refused.
     */
    static ModelConfig read(Path modelDir, String displayName, RepositoryPaths paths) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return ModelConfig.getDefaultInstance();
        }
        Path real = paths.requireInside(file, displayName);
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException(displayName, "must be a regular file");
        }
        String json;
        try {
            if (Files.size(real) > MAX_BYTES) {
                throw new InvalidInputException(displayName, "is larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            json = Files.readString(real, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LlmaosException(
                    ErrorCode.INTERNAL,
                    displayName + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return parse(json, displayName);
    }

    /** Parses proto JSON, reporting errors against {@code displayName}. */
    static ModelConfig parse(String json, String displayName) {
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        try {
            JsonFormat.parser().merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new InvalidInputException(displayName, List.of(describe(e, "ModelConfig")));
        }
        return builder.build();
    }

    /**
     * What is wrong with proto JSON of {@code message}, in the parser's position terms, never in the
     * text's own words (a field name it does not know is named).
     */
    public static FieldViolation describe(Exception e, String message) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        Matcher unknown = UNKNOWN_FIELD.matcher(text);
        if (unknown.find()) {
            return new FieldViolation(unknown.group(1), "is not a field of " + message + " that LLMA OS supports");
        }
        Matcher badEnum = ENUM.matcher(text);
        if (badEnum.find()) {
            return new FieldViolation("(json)", "a value is not one of the names of enum " + badEnum.group(1));
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher at = POSITION.matcher(String.valueOf(t.getMessage()));
            if (at.find()) {
                return new FieldViolation(
                        "(json)", "is not valid JSON at line " + at.group(1) + " column " + at.group(2));
            }
        }
        return new FieldViolation(
                "(json)", "is not valid proto JSON of " + message + " (a value has the wrong type or form)");
    }
}
