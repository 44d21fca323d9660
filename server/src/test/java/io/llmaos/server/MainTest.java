package io.llmaos.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, and clear messages with a non-zero exit for bad flags and settings. */
class MainTest {
    @TempDir
    Path home;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        return new Main(env, home, new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
    }

    @Test
    void serveHelpListsEverySettingWithItsEnvironmentVariable() {
        assertEquals(0, run(Map.of(), "serve", "--help"));
        String help = out.toString();
        for (String expected : new String[] {
            "--host",
            "LLMAOS_HOST",
            "--port",
            "LLMAOS_PORT",
            "--models",
            "LLMAOS_MODELS",
            "--shutdown-grace",
            "--max-inbound-message-size",
            "--config"
        }) {
            assertTrue(help.contains(expected), "help lacks " + expected + ":\n" + help);
        }
    }

    @Test
    void aBadFlagValueIsNamedAndExitsWithUsageError() {
        assertEquals(Main.USAGE_ERROR, run(Map.of(), "serve", "--port", "eighty", "--models", home.toString()));
        assertTrue(
                err.toString().contains("port: 'eighty' (from flag --port) is invalid: expected a whole number"),
                err.toString());
    }

    @Test
    void anUnknownFlagIsAnError() {
        assertEquals(Main.USAGE_ERROR, run(Map.of(), "serve", "--prot", "9000"));
        assertTrue(err.toString().contains("Unknown options: '--prot'"), err.toString());
    }

    @Test
    void aBadEnvironmentValueIsNamed() {
        assertEquals(Main.USAGE_ERROR, run(Map.of("LLMAOS_PORT", "70000"), "serve", "--models", home.toString()));
        assertTrue(err.toString().contains("LLMAOS_PORT"), err.toString());
    }

    @Test
    void aMissingModelRepositoryIsNamed() {
        assertEquals(
                Main.USAGE_ERROR,
                run(Map.of(), "serve", "--models", home.resolve("nowhere").toString()));
        assertTrue(err.toString().contains("models:") && err.toString().contains("no such directory"), err.toString());
    }

    @Test
    void noCommandPrintsUsage() {
        assertEquals(Main.USAGE_ERROR, run(Map.of()));
        assertTrue(err.toString().contains("serve"), err.toString());
    }

    @Test
    void everyInterfaceWithoutAuthenticationIsRefusedUnlessInsecure() {
        assertEquals(Main.USAGE_ERROR, run(Map.of(), "serve", "--host", "0.0.0.0", "--models", home.toString()));
        assertTrue(
                err.toString().contains("refusing to listen on 0.0.0.0 without authentication")
                        && err.toString().contains("--auth-tokens")
                        && err.toString().contains("--insecure"),
                err.toString());
    }

    @Test
    void aSwitchNeedsNoValue() {
        // --insecure alone parses as true; the unknown port value is the only problem reported
        assertEquals(
                Main.USAGE_ERROR,
                run(
                        Map.of(),
                        "serve",
                        "--host",
                        "0.0.0.0",
                        "--insecure",
                        "--port",
                        "eighty",
                        "--models",
                        home.toString()));
        assertTrue(err.toString().contains("port: 'eighty'"), err.toString());
        assertFalse(err.toString().contains("insecure"), err.toString());
    }

    @Test
    void certificateFilesThatDoNotParseAreNamed() throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.writeString(home.resolve("cert.pem"), "not a certificate");
        java.nio.file.Path key = java.nio.file.Files.writeString(home.resolve("key.pem"), "not a key");
        assertEquals(
                Main.USAGE_ERROR,
                run(
                        Map.of(),
                        "serve",
                        "--port",
                        "0",
                        "--load-models",
                        "",
                        "--models",
                        home.toString(),
                        "--tls-cert",
                        cert.toString(),
                        "--tls-key",
                        key.toString()));
        assertTrue(err.toString().contains("TLS"), err.toString());
    }
}
