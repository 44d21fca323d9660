package io.llmaos.client.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.server.MutualTlsServer;
import io.llmaos.server.TestServer;
import io.llmaos.server.security.TokenTable;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python and Node examples run against a real server, in plaintext and over mutual TLS with a
 * bearer token (and are refused without the token): each calls Infer and Generate. Skipped
 * (with a message) only where the interpreter itself is missing; missing packages fail the test,
 * since `.ci/run` installs them as the README says.
 */
class ExamplesTest {
    private static final Path EXAMPLES =
            Path.of("..", "examples").toAbsolutePath().normalize();
    private static TestServer server;
    private static String target;
    private static TestServer secured;
    private static Map<String, String> securedEnv;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv");
        target = "127.0.0.1:" + server.server().port();
        // the same examples against mutual TLS and bearer tokens, configured by environment variables
        Path tokens = Files.writeString(dir.resolve("tokens"), TokenTable.hashOf("example-token") + " acme infer\n");
        MutualTlsServer mtls = MutualTlsServer.start(tokens, "mlp-classifier,gpt-kjv");
        secured = mtls.server();
        var serverCert = mtls.serverCert();
        var clientCert = mtls.clientCert();
        securedEnv = Map.of(
                "LLMAOS_TOKEN", "example-token",
                "LLMAOS_TLS_CA", serverCert.certificate().toString(),
                "LLMAOS_TLS_CERT", clientCert.certificate().toString(),
                "LLMAOS_TLS_KEY", clientCert.privateKey().toString());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        secured.close();
    }

    private static String securedTarget() {
        return "localhost:" + secured.server().port();
    }

    @Test
    void theNodeExampleCallsInferAndGenerate() throws Exception {
        assumeTrue(onPath("node"), "node is not installed: the Node example is skipped");
        assertTrue(
                Files.isDirectory(EXAMPLES.resolve("node/node_modules/@grpc/grpc-js")),
                "run 'npm ci' in examples/node first (.ci/run does)");
        check(run(List.of("node", EXAMPLES.resolve("node/client.js").toString(), target), Map.of()));
        check(run(List.of("node", EXAMPLES.resolve("node/client.js").toString(), securedTarget()), securedEnv));
        refused(run(List.of("node", EXAMPLES.resolve("node/client.js").toString(), securedTarget()), withoutToken()));
    }

    @Test
    void thePythonExampleCallsInferAndGenerate() throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/python3")),
                "/usr/bin/python3 is not installed: the Python example is skipped");
        check(run(List.of(EXAMPLES.resolve("python/run.sh").toString(), target), Map.of()));
        check(run(List.of(EXAMPLES.resolve("python/run.sh").toString(), securedTarget()), securedEnv));
        refused(run(List.of(EXAMPLES.resolve("python/run.sh").toString(), securedTarget()), withoutToken()));
    }

    private static Map<String, String> withoutToken() {
        Map<String, String> env = new java.util.HashMap<>(securedEnv);
        env.remove("LLMAOS_TOKEN");
        return env;
    }

    /** Over mutual TLS without a token, the example's first call is refused: exit 1, UNAUTHENTICATED named. */
    private static void refused(Result r) {
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("UNAUTHENTICATED"), r.err());
    }

    /** What an example printed and how it ended. */
    private record Result(int exit, List<JsonNode> lines, String err) {}

    private static void check(Result r) {
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> lines = r.lines();
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

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(false);
        b.environment().keySet().removeIf(k -> k.startsWith("LLMAOS_"));
        b.environment().putAll(env);
        Process p = b.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(new ObjectMapper().readTree(line));
            }
        }
        return new Result(p.exitValue(), lines, err);
    }

    static boolean onPath(String tool) {
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
