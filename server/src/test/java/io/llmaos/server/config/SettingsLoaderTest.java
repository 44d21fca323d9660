package io.llmaos.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
    @TempDir
    Path home;

    private ServerSettings load(Map<String, String> env, Map<Setting, String> flags) throws Exception {
        Files.createDirectories(home.resolve("models"));
        return new SettingsLoader(env, home, 2).load(flags);
    }

    @Test
    void defaultsBindLoopback8001OnTheBundledModels() throws Exception {
        ServerSettings s = load(Map.of(), Map.of());
        assertEquals("127.0.0.1", s.host());
        assertEquals(8001, s.port());
        assertEquals(home.resolve("models").toAbsolutePath().normalize(), s.modelsDir());
        assertEquals(4, s.executorThreads());
        assertEquals(64 << 20, s.maxInboundMessageBytes());
        assertEquals(Duration.ofSeconds(30), s.shutdownGrace());
        assertFalse(s.permitKeepAliveWithoutCalls());
        assertEquals(8002, s.metricsPort());
        assertEquals(null, s.otlp().endpoint(), "OTLP is off by default");
        assertEquals(10000, s.maxConnections());
        assertFalse(s.accessLog());
        assertEquals(new ServerSettings.Pytorch(1, 1), s.pytorch());
    }

    @Test
    void pytorchInterOpThreadsFollowTheIntraOpCountUnlessSet() throws Exception {
        assertEquals(
                new ServerSettings.Pytorch(3, 3),
                load(Map.of(), Map.of(Setting.PYTORCH_THREADS, "3")).pytorch());
        assertEquals(
                new ServerSettings.Pytorch(3, 1),
                load(Map.of("LLMAOS_PYTORCH_INTEROP_THREADS", "1"), Map.of(Setting.PYTORCH_THREADS, "3"))
                        .pytorch());
        SettingsException e = assertThrows(
                SettingsException.class, () -> load(Map.of(), Map.of(Setting.PYTORCH_INTEROP_THREADS, "0")));
        assertTrue(e.getMessage().contains("pytorch-interop-threads"), e.getMessage());
    }

    @Test
    void telemetrySettingsAreChecked() throws Exception {
        ServerSettings s = load(
                Map.of("LLMAOS_OTLP_ENDPOINT", "http://collector:4318"),
                Map.of(Setting.OTLP_INTERVAL, "5s", Setting.METRICS_PORT, "0", Setting.ACCESS_LOG, "true"));
        assertEquals("collector", s.otlp().endpoint().getHost());
        assertEquals(Duration.ofSeconds(5), s.otlp().interval());
        assertEquals(0, s.metricsPort());
        assertTrue(s.accessLog());
        SettingsException e = assertThrows(
                SettingsException.class,
                () -> load(Map.of(), Map.of(Setting.OTLP_ENDPOINT, "collector:4318", Setting.OTLP_INTERVAL, "10ms")));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("otlp-endpoint"), e.getMessage());
    }

    @Test
    void tracingIsOffByDefaultAndNeedsACollector() throws Exception {
        assertEquals(0.0, load(Map.of(), Map.of()).otlp().traceSampleRatio());
        ServerSettings s = load(
                Map.of(), Map.of(Setting.OTLP_ENDPOINT, "http://collector:4318", Setting.TRACE_SAMPLE_RATIO, "0.01"));
        assertEquals(0.01, s.otlp().traceSampleRatio());
        SettingsException alone =
                assertThrows(SettingsException.class, () -> load(Map.of(), Map.of(Setting.TRACE_SAMPLE_RATIO, "0.5")));
        assertTrue(alone.getMessage().contains("trace-sample-ratio needs otlp-endpoint"), alone.getMessage());
        for (String bad : new String[] {"1.5", "-0.1", "NaN", "often"}) {
            SettingsException e = assertThrows(
                    SettingsException.class,
                    () -> load(
                            Map.of(), Map.of(Setting.OTLP_ENDPOINT, "http://c:4318", Setting.TRACE_SAMPLE_RATIO, bad)),
                    bad);
            assertTrue(e.getMessage().contains("0 to 1"), e.getMessage());
        }
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFile() throws Exception {
        Path file = home.resolve("llmaos.yaml");
        Files.writeString(file, "port: 7001\nhost: localhost\nshutdown-grace: 5s\nexecutor-threads: 3\n");
        ServerSettings s = load(
                Map.of("LLMAOS_CONFIG", file.toString(), "LLMAOS_PORT", "7002", "LLMAOS_SHUTDOWN_GRACE", "7s"),
                Map.of(Setting.PORT, "7003"));
        assertEquals(7003, s.port(), "flag wins");
        assertEquals(Duration.ofSeconds(7), s.shutdownGrace(), "environment beats file");
        assertEquals("localhost", s.host(), "file beats default");
        assertEquals(3, s.executorThreads());
    }

    @Test
    void everyProblemIsReportedWithItsSource() throws Exception {
        SettingsException e = assertThrows(
                SettingsException.class,
                () -> load(
                        Map.of("LLMAOS_PORT", "99999", "LLMAOS_SHUTDOWN_GRACE", "soon"),
                        Map.of(
                                Setting.MODELS,
                                home.resolve("missing").toString(),
                                Setting.MAX_INBOUND_MESSAGE_SIZE,
                                "12 parsecs")));
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(
                                "port: '99999' (from environment LLMAOS_PORT) is invalid: must be between 0 and 65535"),
                e.getMessage());
        assertTrue(e.getMessage().contains("shutdown-grace: 'soon'"), e.getMessage());
        assertTrue(e.getMessage().contains("no such directory"), e.getMessage());
        assertTrue(e.getMessage().contains("flag --max-inbound-message-size"), e.getMessage());
    }

    @Test
    void unknownConfigFileKeysAreErrors() throws Exception {
        Path file = home.resolve("bad.yaml");
        Files.writeString(file, "prot: 9000\n");
        SettingsException e =
                assertThrows(SettingsException.class, () -> load(Map.of(), Map.of(Setting.CONFIG, file.toString())));
        assertTrue(e.getMessage().contains("unknown setting(s) [prot]"), e.getMessage());
    }

    @Test
    void aJsonConfigFileWorksToo() throws Exception {
        Path file = home.resolve("llmaos.json");
        Files.writeString(file, "{\"port\": 0, \"max-inbound-message-size\": \"1MiB\", \"keepalive-time\": \"PT1M\"}");
        ServerSettings s = load(Map.of(), Map.of(Setting.CONFIG, file.toString()));
        assertEquals(0, s.port());
        assertEquals(1 << 20, s.maxInboundMessageBytes());
        assertEquals(Duration.ofMinutes(1), s.keepAliveTime());
    }

    @Test
    void aMissingConfigFileIsAnError() {
        SettingsException e = assertThrows(
                SettingsException.class,
                () -> load(
                        Map.of(),
                        Map.of(Setting.CONFIG, home.resolve("nope.yaml").toString())));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void anyHostButLoopbackNeedsAuthenticationOrInsecure() throws Exception {
        SettingsException open =
                assertThrows(SettingsException.class, () -> load(Map.of(), Map.of(Setting.HOST, "0.0.0.0")));
        assertTrue(open.getMessage().contains("--auth-tokens"), open.getMessage());
        ServerSettings insecure = load(Map.of("LLMAOS_INSECURE", "true"), Map.of(Setting.HOST, "0.0.0.0"));
        assertTrue(insecure.security().insecure());
        Path tokens = home.resolve("tokens");
        Files.writeString(tokens, io.llmaos.server.security.TokenTable.hashOf("x") + " acme admin\n");
        ServerSettings auth = load(Map.of(), Map.of(Setting.HOST, "0.0.0.0", Setting.AUTH_TOKENS, tokens.toString()));
        assertTrue(auth.security().authOn());
        assertFalse(auth.security().insecure());
        assertFalse(
                load(Map.of(), Map.of(Setting.HOST, "localhost", Setting.INSECURE, "true"))
                        .security()
                        .insecure(),
                "loopback is never insecure");
        assertFalse(load(Map.of(), Map.of()).security().authOn(), "no authentication by default, on loopback");
    }

    @Test
    void securityFilesAreCheckedAtStart() throws Exception {
        Path bad = home.resolve("bad-tokens");
        Files.writeString(bad, "nonsense\n");
        SettingsException e = assertThrows(
                SettingsException.class, () -> load(Map.of(), Map.of(Setting.AUTH_TOKENS, bad.toString())));
        assertTrue(e.getMessage().contains("auth-tokens") && e.getMessage().contains("line 1"), e.getMessage());
        SettingsException missing = assertThrows(
                SettingsException.class,
                () -> load(
                        Map.of(),
                        Map.of(Setting.TLS_CERT, home.resolve("nope.pem").toString())));
        assertTrue(missing.getMessage().contains("no such readable file"), missing.getMessage());
        Path pem = Files.writeString(home.resolve("cert.pem"), "x");
        SettingsException half =
                assertThrows(SettingsException.class, () -> load(Map.of(), Map.of(Setting.TLS_CERT, pem.toString())));
        assertTrue(half.getMessage().contains("tls-cert and tls-key go together"), half.getMessage());
        SettingsException mtls = assertThrows(
                SettingsException.class, () -> load(Map.of(), Map.of(Setting.TLS_CLIENT_CA, pem.toString())));
        assertTrue(mtls.getMessage().contains("needs TLS"), mtls.getMessage());
    }
}
