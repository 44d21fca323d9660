package io.llmaos.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real server on a copy of one demo model for a whole test class: register it as a static
 * {@code @RegisterExtension} field, and {@link #get} gives the running server.
 */
public final class DemoServer implements BeforeAllCallback, AfterAllCallback {
    private final String demo;
    private final String name;
    private Path dir;
    private TestServer server;

    /** Copies demo model {@code demo} as {@code name} into a fresh repository and loads it. */
    public DemoServer(String demo, String name) {
        this.demo = demo;
        this.name = name;
    }

    public TestServer get() {
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("llmaos-demo-");
        new TempRepository(dir).copyDemo(demo, name);
        server = TestServer.start(dir, name);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            server.close();
        } finally {
            TempRepository.deleteTree(dir);
        }
    }
}
