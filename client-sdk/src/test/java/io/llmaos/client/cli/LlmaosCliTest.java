package io.llmaos.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real server: output and exit codes of every command. */
class LlmaosCliTest {
    private static TestServer server;
    private static String target;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv");
        target = "127.0.0.1:" + server.server().port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        if (all.size() > 0 && !all.contains("--target")) {
            int insertAt = all.get(0).equals("models") ? 2 : 1;
            all.add(Math.min(insertAt, all.size()), "--target");
            all.add(Math.min(insertAt + 1, all.size()), target);
        }
        int code = LlmaosCli.commandLine(new PrintWriter(out), new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aCommandLineNamingACommandBuildsThatOneUnderItsOwnName() {
        for (String name : LlmaosCli.COMMANDS.keySet()) {
            assertEquals(
                    java.util.Set.of(name),
                    LlmaosCli.forArgs(name, "--help").getSubcommands().keySet(),
                    "the key of a command is the name its @Command gives");
        }
        assertEquals(
                LlmaosCli.COMMANDS.keySet(),
                LlmaosCli.forArgs("--help").getSubcommands().keySet());
        assertEquals(
                LlmaosCli.COMMANDS.keySet(),
                LlmaosCli.forArgs("no-such-command").getSubcommands().keySet());
    }

    @Test
    void healthModelsStatsAndResources() throws Exception {
        Run health = run("health");
        assertEquals(0, health.code(), health.err());
        assertEquals("SERVING", health.out().trim());

        Run list = run("models", "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().startsWith("MODEL"), list.out());
        assertTrue(list.out().contains("mlp-classifier") && list.out().contains("1:READY"), list.out());

        Run json = run("models", "list", "--json");
        assertTrue(new ObjectMapper().readTree(json.out()).get("models").size() >= 4, json.out());

        Run get = run("models", "get", "mlp-classifier");
        assertTrue(get.out().contains("features") && get.out().contains("input"), get.out());

        Run loaded = run("models", "load", "tf-dense");
        assertEquals(0, loaded.code(), loaded.err());
        assertTrue(loaded.out().contains("READY"), loaded.out());
        assertTrue(run("models", "unload", "tf-dense").out().contains("UNAVAILABLE"));

        run("infer", "mlp-classifier", "--input", "features=" + row());
        Run stats = run("stats", "mlp-classifier");
        assertTrue(stats.out().contains("mlp-classifier/1"), stats.out());
        Run resources = run("resources");
        assertTrue(resources.out().contains("model_memory ") && resources.out().contains("gpus none"), resources.out());
        assertTrue(
                !resources.out().matches("(?s).*model_memory\\s+\\d{7,}.*"),
                "a byte budget reads in MiB: " + resources.out());
    }

    @Test
    void inferTakesJsonAndNpyInputs() throws Exception {
        Run json = run("infer", "mlp-classifier", "--input", "features=" + row());
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().startsWith("OUTPUT"), json.out());

        Path npy = dir.resolve("row.npy");
        Files.write(npy, npy(new float[16]));
        Run file = run("infer", "mlp-classifier", "--input", "features=@" + npy);
        assertEquals(0, file.code(), file.err());
        Run malformed = run("infer", "mlp-classifier", "--input", "features=[[1, 2");
        assertEquals(2, malformed.code(), "JSON that does not parse is a usage error");
        assertTrue(malformed.err().contains("not JSON"), malformed.err());
        Run same = run("infer", "mlp-classifier", "--input", "features=[" + "[" + "0,".repeat(15) + "0]]", "--json");
        Run fromFile = run("infer", "mlp-classifier", "--input", "features=@" + npy, "--json");
        assertEquals(outputs(same.out()), outputs(fromFile.out()), "the .npy file and the JSON give the same answer");
    }

    @Test
    void watchPrintsModelStateChanges() throws Exception {
        java.util.concurrent.CompletableFuture<Run> watch =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> run("models", "watch", "--count", "6"));
        long until = System.nanoTime() + 60_000_000_000L;
        while (!watch.isDone() && System.nanoTime() < until) {
            // each cycle makes events; the watch may subscribe after the first ones
            run("models", "load", "tf-dense");
            run("models", "unload", "tf-dense");
        }
        Run w = watch.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, w.code(), w.err());
        assertEquals(6, w.out().lines().count(), w.out());
        assertTrue(w.out().contains("mlp-classifier/1 READY"), "first every model's state: " + w.out());
        assertTrue(
                w.out().lines().anyMatch(l -> l.startsWith("tf-dense/1 ") && l.contains(" -> ")),
                "then the changes: " + w.out());
    }

    @Test
    void stoppingTheCommandLineCancelsTheGenerationOnTheServer() throws Exception {
        long before = decodeSteps();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process cli = new ProcessBuilder(
                        javaBin,
                        "-cp",
                        System.getProperty("java.class.path"),
                        LlmaosCli.class.getName(),
                        "generate",
                        "gpt-kjv",
                        "And it came to pass",
                        "--max-tokens",
                        "500",
                        "--ignore-eos",
                        "--target",
                        target)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        // wait for text to arrive, then stop it as Ctrl-C does (SIGINT and SIGTERM both run the hook)
        int first = cli.getInputStream().read();
        assertTrue(first >= 0, "the command printed text");
        cli.destroy();
        assertTrue(cli.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        long steps = decodeSteps();
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
            long now = decodeSteps();
            if (now == steps && activeSequences() == 0) {
                break;
            }
            steps = now;
        }
        assertEquals(0, activeSequences(), "the sequence left the decode loop");
        assertTrue(steps - before < 500, "decoding stopped early: " + (steps - before) + " of 500 tokens made");
    }

    /** Tokens the decode loop of gpt-kjv has made so far (rows summed over steps). */
    private static long decodeSteps() {
        try (var c = io.llmaos.client.LlmaosClient.builder().target(target).build()) {
            return c.schedulerStats("gpt-kjv").getModels(0).getBatchSizesList().stream()
                    .mapToLong(b -> b.getCount() * b.getBatchSize())
                    .sum();
        }
    }

    private static long activeSequences() {
        try (var c = io.llmaos.client.LlmaosClient.builder().target(target).build()) {
            return c.schedulerStats("gpt-kjv").getModels(0).getLevelsList().stream()
                    .mapToLong(l -> l.getInFlight())
                    .sum();
        }
    }

    @Test
    void errorsGiveClearMessagesAndExitCodes() {
        Run missing = run("models", "get", "no-such-model");
        assertEquals(4, missing.code());
        assertTrue(missing.err().contains("no-such-model"), missing.err());
        Run bad = run("infer", "mlp-classifier", "--input", "features=[1, 2]");
        assertEquals(3, bad.code(), bad.err());
        Run unknownInput = run("infer", "mlp-classifier", "--input", "nope=[1]");
        assertEquals(2, unknownInput.code());
        assertTrue(unknownInput.err().contains("no input 'nope'"), unknownInput.err());
        Run down = run("health", "--target", "127.0.0.1:1", "--timeout", "5");
        assertEquals(5, down.code(), down.err());
        assertEquals(2, run("no-such-command").code());
    }

    @Test
    void generatePrintsTheTextAndTopRendersAFrame() {
        Run g = run("generate", "gpt-kjv", "In the beginning", "--max-tokens", "64");
        assertEquals(0, g.code(), g.err());
        assertEquals(" of the congregation of the LORD.", g.out().stripTrailing());
        assertTrue(g.err().contains("[EOS]"), g.err());

        Run top = run("top", "--frames", "1", "--interval", "200");
        assertEquals(0, top.code(), top.err());
        assertTrue(top.out().contains("\033[H\033[2J"), "the frame is drawn in place");
        assertTrue(top.out().contains("mlp-classifier/1") && top.out().contains("QUEUE p50/p99"), top.out());
        assertTrue(top.out().contains("llmaos top  " + target + "  "), "the title names the server: " + top.out());
        // without --target the command names the server it resolved, never "null"
        String expected = System.getenv().getOrDefault("LLMAOS_TARGET", "127.0.0.1:8001");
        assertEquals(expected, new Connection().where());
    }

    private static String row() {
        StringBuilder b = new StringBuilder("[[");
        for (int i = 0; i < 16; i++) {
            b.append(i == 0 ? "" : ", ").append(i / 16.0);
        }
        return b.append("]]").toString();
    }

    private static String outputs(String json) throws Exception {
        return new ObjectMapper().readTree(json).get("outputs").toString();
    }

    private static byte[] npy(float[] values) {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, " + values.length + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        String padded = header + " ".repeat(pad) + "\n";
        ByteBuffer b =
                ByteBuffer.allocate(10 + padded.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        b.putShort((short) padded.length()).put(padded.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
