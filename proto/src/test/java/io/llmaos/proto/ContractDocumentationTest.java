package io.llmaos.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The .proto files are the manual for clients in other languages: every service, rpc, message,
 * enum, enum value, oneof and field must have a comment on the line above it (or at its end).
 */
class ContractDocumentationTest {
    private static final Pattern DECLARATION = Pattern.compile("^(message|enum|service|rpc|oneof)\\b.*"
            + "|^(repeated |optional |map<[^>]*> )?[\\w.]+ \\w+ = \\d+;.*"
            + "|^[A-Z_0-9]+ = \\d+;.*");

    @Test
    void everyDeclarationIsDocumented() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("src/main/proto"))) {
            files = walk.filter(p -> p.toString().endsWith(".proto")).sorted().toList();
        }
        assertTrue(files.size() >= 7, "found " + files);
        List<String> undocumented = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!DECLARATION.matcher(line.strip()).matches() || line.contains("//")) {
                    continue;
                }
                if (i == 0 || !lines.get(i - 1).strip().startsWith("//")) {
                    undocumented.add(file + ":" + (i + 1) + ": " + line.strip());
                }
            }
        }
        assertEquals(List.of(), undocumented);
    }
}
