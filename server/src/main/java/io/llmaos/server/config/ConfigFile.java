package io.llmaos.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a settings file: a flat YAML (or JSON) mapping whose keys are the flag names without
 * {@code --}, e.g. {@code port: 9001}. Unknown keys and nested values are errors, so a typo is
 * reported instead of silently ignored.
 */
final class ConfigFile {
    private ConfigFile() {}

    /** The values in {@code file}; problems are added to {@code problems}. */
    static Map<Setting, String> read(Path file, List<String> problems) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        if (!Files.isRegularFile(file)) {
            problems.add("config file " + file + " does not exist or is not a regular file");
            return values;
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (JacksonException e) {
            problems.add("config file " + file + " is not valid YAML or JSON: " + e.getOriginalMessage());
            return values;
        } catch (IOException e) {
            problems.add("config file " + file + " cannot be read: " + e.getMessage());
            return values;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            problems.add("config file " + file + " must be a mapping of setting: value");
            return values;
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Setting setting = Setting.byKey(field.getKey())
                    .filter(s -> s != Setting.CONFIG)
                    .orElse(null);
            if (setting == null) {
                unknown.add(field.getKey());
            } else if (!field.getValue().isValueNode()) {
                problems.add("config file " + file + ": '" + field.getKey() + "' must be a single value");
            } else {
                values.put(setting, field.getValue().asText());
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("config file " + file + " has unknown setting(s) " + unknown + "; known: "
                    + java.util.Arrays.stream(Setting.values())
                            .filter(s -> s != Setting.CONFIG)
                            .map(Setting::key)
                            .toList());
        }
        return values;
    }
}
