package io.llmaos.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web console in a real headless Chromium (Debian's, driven by playwright-core) against a real
 * server on the demo models: the four models, an unload and a load, the live resource charts, the
 * scheduler view and a policy, the playground's tensor run and a generation stopped by its Stop
 * button, and the page saying the server went away and reconnecting when it is back. Screenshots go
 * to {@code server/target/console-screenshots}. {@code tools/install-test-deps} installs Chromium
 * and the npm package ({@code .ci/run} runs it).
 */
class ConsoleBrowserTest {
    private static final Path SCRIPT = Path.of("src", "test", "browser", "console.test.mjs");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void theConsoleWorksInARealBrowser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (tools/install-test-deps)");
        assumeTrue(
                Files.isDirectory(Path.of("src", "test", "browser", "node_modules", "playwright-core")),
                "run 'npm ci' in server/src/test/browser first (tools/install-test-deps does)");
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Map<Setting, String> http = Map.of(Setting.HTTP_PORT, String.valueOf(httpPort));
        TestServer server = TestServer.start(TestServer.DEMO_MODELS, "*", http);
        StringBuilder said = new StringBuilder();
        boolean running = true;
        Process node = new ProcessBuilder(
                        "node",
                        SCRIPT.toAbsolutePath().toString(),
                        "http://127.0.0.1:" + httpPort,
                        Path.of("target", "console-screenshots")
                                .toAbsolutePath()
                                .toString(),
                        CHROMIUM.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                said.append(line).append('\n');
                if (line.equals("STOP_SERVER")) {
                    server.close();
                    running = false;
                } else if (line.equals("START_SERVER")) {
                    server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier", http);
                    running = true;
                }
            }
            assertEquals(true, node.waitFor(3, TimeUnit.MINUTES), said.toString());
        } finally {
            node.destroyForcibly();
            if (running) {
                server.close();
            }
        }
        System.out.println(said);
        assertEquals(0, node.exitValue(), said.toString());
    }
}
