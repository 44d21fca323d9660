package io.llmaos.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.netty.handler.ssl.util.SelfSignedCertificate;
import io.llmaos.server.MutualTlsServer;
import io.llmaos.server.TestServer;
import io.llmaos.server.security.TokenTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a secured server (mutual TLS and bearer tokens): the CA, client
 * certificate and token come from flags and files; a missing token and a missing role end with
 * their own exit codes.
 */
class SecuredCliTest {
    @TempDir
    static Path dir;

    private static TestServer server;
    private static SelfSignedCertificate serverCert;
    private static SelfSignedCertificate clientCert;
    private static String target;

    @BeforeAll
    static void start() throws Exception {
        Path tokens = Files.writeString(
                dir.resolve("tokens"),
                TokenTable.hashOf("infer-secret") + " acme infer\n" + TokenTable.hashOf("admin-secret")
                        + " ops admin\n");
        MutualTlsServer secured = MutualTlsServer.start(tokens, "mlp-classifier");
        server = secured.server();
        serverCert = secured.serverCert();
        clientCert = secured.clientCert();
        target = "localhost:" + server.server().port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static LlmaosCliTest.Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--target", target,
                "--tls-ca", serverCert.certificate().toString(),
                "--tls-cert", clientCert.certificate().toString(),
                "--tls-key", clientCert.privateKey().toString()));
        int code = LlmaosCli.commandLine(new PrintWriter(out), new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new LlmaosCliTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void tokensFromAFileOrAFlagOverMutualTls() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("my-token"), "infer-secret\n");
        LlmaosCliTest.Run health = run("health");
        assertEquals(0, health.code(), health.err());
        LlmaosCliTest.Run list = run("models", "list", "--token-file", tokenFile.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("mlp-classifier"), list.out());

        LlmaosCliTest.Run anonymous = run("models", "list");
        assertEquals(8, anonymous.code(), anonymous.err());
        assertTrue(anonymous.err().contains("bearer token"), anonymous.err());

        LlmaosCliTest.Run denied = run("models", "unload", "mlp-classifier", "--token", "infer-secret");
        assertEquals(9, denied.code(), denied.err());
        assertTrue(denied.err().contains("admin"), denied.err());

        LlmaosCliTest.Run admin = run("models", "load", "tf-dense", "--token", "admin-secret");
        assertEquals(0, admin.code(), admin.err());
    }
}
