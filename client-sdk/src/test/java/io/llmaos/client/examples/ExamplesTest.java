package io.llmaos.client.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.server.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python and Node examples run against a real server: each calls Infer and Generate. Skipped
 * (with a message) only where the interpreter itself is missing; missing packages fail the test,
 * since `.ci/run` installs them as the README says.
 */
class ExamplesTest {
    private static final Path EXAMPLES =
            Path.of("..", "examples").toAbsolutePath().normalize();
    private static TestServer server;
    private static String target;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv");
        target = "127.0.0.1:" + server.server().port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void theNodeExampleCallsInferAndGenerate() throws Exception {
        assumeTrue(onPath("node"), "node is not installed: the Node example is skipped");
        assertTrue(
                Files.isDirectory(EXAMPLES.resolve("node/node_modules/@grpc/grpc-js")),
                "run 'npm ci' in examples/node first (.ci/run does)");
        check(run(List.of("node", EXAMPLES.resolve("node/client.js").toString(), target)));
    }

    @Test
    void thePythonExampleCallsInferAndGenerate() throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/python3")),
                "/usr/bin/python3 is not installed: the Python example is skipped");
        check(run(List.of(EXAMPLES.resolve("python/run.sh").toString(), target)));
    }

    private static void check(List<JsonNode> lines) {
        assertEquals(2, lines.size(), lines.toString());
        JsonNode infer = lines.get(0);
        assertEquals("infer", infer.get("call").asText());
        assertEquals(4, infer.get("outputs").get(0).get("fp32").size(), infer.toString());
        assertEquals(1, infer.get("outputs").get(1).get("strings").size(), infer.toString());
        JsonNode generate = lines.get(1);
        assertEquals(" of the congregation of the LORD.", generate.get("text").asText());
        assertEquals("EOS", generate.get("finish_reason").asText());
        assertTrue(generate.get("messages").asInt() > 1, "tokens were streamed");
    }

    private static List<JsonNode> run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "exit status of " + command + ": " + err);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(new ObjectMapper().readTree(line));
            }
        }
        return lines;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, tool))) {
                    return true;
                }
            }
        }
        return false;
    }
}
