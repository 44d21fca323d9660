package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.llmaos.proto.oip.ModelConfig;
import io.llmaos.proto.oip.ModelConfigRequest;
import io.llmaos.proto.oip.ModelStatisticsRequest;
import io.llmaos.proto.oip.ModelStatisticsResponse;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton's HTTP extensions over real HTTP against a real server: a model's configuration and
 * statistics written as Triton writes them (numbers for 64-bit integers, zero counts present) and equal
 * to the gRPC answers, the logging and trace settings, and system shared memory registered, used for an
 * inference's input and output, listed and unregistered over HTTP; request bodies compressed with gzip
 * or deflate, and answers compressed when the client accepts it (never a stream of events).
 */
class TritonRestExtensionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MLP = "mlp-classifier";

    @TempDir
    static Path dir;

    private static TestServer server;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        new TempRepository(dir).copyDemo(MLP, MLP);
        server = TestServer.withHttp(dir, MLP, Map.of());
        base = server.httpBase();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    @Test
    void theConfigIsTritonsJsonAndEqualsTheGrpcAnswer() throws Exception {
        JsonNode config = ok(send("GET", "/v2/models/" + MLP + "/config", null));
        JsonNode dims = config.get("input").get(0).get("dims");
        assertTrue(dims.get(0).isIntegralNumber(), "dims are numbers, as Triton writes them: " + dims);
        assertEquals(16, dims.get(0).asInt());
        assertTrue(config.has("optimization") || config.get("input").get(0).has("optional"), "defaults written");
        ModelConfig.Builder parsed = ModelConfig.newBuilder();
        JsonFormat.parser().merge(config.toString(), parsed);
        assertEquals(
                server.oip()
                        .modelConfig(
                                ModelConfigRequest.newBuilder().setName(MLP).build())
                        .getConfig(),
                parsed.build());
    }

    @Test
    void statisticsCountAsNumbersAndAddUp() throws Exception {
        JsonNode before = ok(send("GET", "/v2/models/" + MLP + "/stats", null))
                .get("model_stats")
                .get(0);
        assertTrue(before.get("inference_stats").get("fail").get("count").isIntegralNumber(), before.toString());
        long done = before.get("inference_stats").get("success").get("count").asLong();
        String row = "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 16],"
                + " \"data\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]}]}";
        for (int i = 0; i < 3; i++) {
            ok(send("POST", "/v2/models/" + MLP + "/infer", row));
        }
        JsonNode after =
                ok(send("GET", "/v2/models/stats", null)).get("model_stats").get(0);
        JsonNode success = after.get("inference_stats").get("success");
        assertTrue(success.get("count").isIntegralNumber() && success.get("ns").isIntegralNumber(), success.toString());
        assertEquals(done + 3, success.get("count").asLong());
        assertTrue(after.get("inference_count").asLong() >= 3);
        ModelStatisticsResponse.Builder parsed = ModelStatisticsResponse.newBuilder();
        JsonFormat.parser()
                .merge(ok(send("GET", "/v2/models/" + MLP + "/stats", null)).toString(), parsed);
        ModelStatisticsResponse grpc = server.oip()
                .modelStatistics(
                        ModelStatisticsRequest.newBuilder().setName(MLP).build());
        assertEquals(
                grpc.getModelStats(0).getInferenceStats().getSuccess(),
                parsed.getModelStats(0).getInferenceStats().getSuccess());
    }

    @Test
    void logSettingsReadAndChange() throws Exception {
        JsonNode now = ok(send("GET", "/v2/logging", null));
        assertTrue(
                now.get("log_info").isBoolean() && now.get("log_verbose_level").isIntegralNumber(), now.toString());
        JsonNode changed = ok(send("POST", "/v2/logging", "{\"log_verbose_level\": 1}"));
        assertEquals(1, changed.get("log_verbose_level").asInt());
        assertEquals(
                1, ok(send("GET", "/v2/logging", null)).get("log_verbose_level").asInt());
        ok(send("POST", "/v2/logging", "{\"log_verbose_level\": 0}"));
        assertEquals(400, send("POST", "/v2/logging", "{\"log_info\": [1]}").statusCode());
        assertEquals(
                400, send("POST", "/v2/logging", "{\"no_such_setting\": true}").statusCode());
        assertEquals(405, send("PUT", "/v2/logging", "{}").statusCode());
    }

    @Test
    void traceSettingsAsTritonWritesThem() throws Exception {
        JsonNode now = ok(send("GET", "/v2/trace/setting", null));
        assertTrue(now.get("trace_level").isArray(), now.toString());
        assertTrue(now.get("trace_rate").isTextual(), now.toString());
        assertEquals(now, ok(send("GET", "/v2/trace", null)), "the older path answers the same");
        JsonNode same = ok(send("POST", "/v2/trace/setting", "{\"trace_level\": [\"OFF\"], \"trace_rate\": \"1000\"}"));
        assertEquals("1000", same.get("trace_rate").asText());
        HttpResponse<String> perModel = send("GET", "/v2/models/" + MLP + "/trace/setting", null);
        assertEquals(400, perModel.statusCode(), perModel.body());
        assertTrue(JSON.readTree(perModel.body()).get("error").asText().contains("per-model"));
        assertEquals(
                400, send("POST", "/v2/trace/setting", "{\"trace_rate\": 5}").statusCode());
    }

    @Test
    void systemSharedMemoryCarriesAnInferenceOverHttp() throws Exception {
        String in = "llmaos-rest-in-" + UUID.randomUUID();
        String out = "llmaos-rest-out-" + UUID.randomUUID();
        Path inFile = Path.of("/dev/shm", in);
        Path outFile = Path.of("/dev/shm", out);
        try {
            ByteBuffer row = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 1; i <= 16; i++) {
                row.putFloat(i);
            }
            Files.write(inFile, row.array());
            Files.write(outFile, new byte[16]);
            ok(send(
                    "POST",
                    "/v2/systemsharedmemory/region/in/register",
                    "{\"key\": \"/" + in + "\", \"offset\": 0, \"byte_size\": 64}"));
            ok(send(
                    "POST",
                    "/v2/systemsharedmemory/region/out/register",
                    "{\"key\": \"" + out + "\", \"byte_size\": 16}"));
            JsonNode status = ok(send("GET", "/v2/systemsharedmemory/status", null));
            assertEquals(2, status.size(), status.toString());
            JsonNode one = ok(send("GET", "/v2/systemsharedmemory/region/in/status", null));
            assertEquals(64, one.get(0).get("byte_size").asLong());
            assertTrue(one.get(0).get("byte_size").isIntegralNumber());

            JsonNode r = ok(send(
                    "POST",
                    "/v2/models/" + MLP + "/infer",
                    "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"parameters\":"
                            + " {\"shared_memory_region\": \"in\", \"shared_memory_byte_size\": 64}}],"
                            + " \"outputs\": [{\"name\": \"scores\", \"parameters\": {\"shared_memory_region\": \"out\","
                            + " \"shared_memory_byte_size\": 16}}]}"));
            JsonNode scores = r.get("outputs").get(0);
            assertFalse(scores.has("data"), "an output in shared memory has no data in the body: " + scores);
            assertEquals(
                    16, scores.get("parameters").get("shared_memory_byte_size").asLong());
            // the same row sent as JSON gives the scores the server wrote into the region
            JsonNode direct = ok(send(
                    "POST",
                    "/v2/models/" + MLP + "/infer",
                    "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 16],"
                            + " \"data\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]}],"
                            + " \"outputs\": [{\"name\": \"scores\"}]}"));
            float[] expected = new float[4];
            for (int i = 0; i < 4; i++) {
                expected[i] =
                        (float) direct.get("outputs").get(0).get("data").get(i).asDouble();
            }
            float[] written = new float[4];
            try (FileChannel ch = FileChannel.open(outFile, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(b);
                b.flip().asFloatBuffer().get(written);
            }
            assertArrayEquals(expected, written);

            HttpResponse<String> both = send(
                    "POST",
                    "/v2/models/" + MLP + "/infer",
                    "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"data\": [1],"
                            + " \"parameters\": {\"shared_memory_region\": \"in\", \"shared_memory_byte_size\": 64}}]}");
            assertEquals(400, both.statusCode(), "data beside a shared-memory region: " + both.body());
            assertEquals(
                    400,
                    send("POST", "/v2/systemsharedmemory/region/x/register", "{\"key\": \"/" + in + "\"}")
                            .statusCode());
            assertEquals(
                    405,
                    send("GET", "/v2/systemsharedmemory/region/in/register", null)
                            .statusCode());

            ok(send("POST", "/v2/systemsharedmemory/region/in/unregister", null));
            assertEquals(
                    1, ok(send("GET", "/v2/systemsharedmemory/status", null)).size());
            ok(send("POST", "/v2/systemsharedmemory/unregister", null));
            assertEquals(
                    0, ok(send("GET", "/v2/systemsharedmemory/status", null)).size());
            assertEquals(501, send("GET", "/v2/cudasharedmemory/status", null).statusCode());
        } finally {
            Files.deleteIfExists(inFile);
            Files.deleteIfExists(outFile);
        }
    }

    @Test
    void compressedBodiesBothWays() throws Exception {
        String row = "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 16],"
                + " \"data\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]}], \"outputs\": [{\"name\": \"scores\"}]}";
        JsonNode plain = ok(send("POST", "/v2/models/" + MLP + "/infer", row)).get("outputs");
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(row.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        java.io.ByteArrayOutputStream zz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.DeflaterOutputStream(zz)) {
            out.write(row.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        for (var e :
                Map.of("gzip", gz.toByteArray(), "deflate", zz.toByteArray()).entrySet()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v2/models/" + MLP + "/infer"))
                            .header("Content-Encoding", e.getKey())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(e.getValue()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(plain, ok(r).get("outputs"), e.getKey());
        }
        HttpResponse<String> unknown = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v2/models/" + MLP + "/infer"))
                        .header("Content-Encoding", "br")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, unknown.statusCode(), unknown.body());

        // an answer over 1 KiB comes back compressed when asked for
        HttpRequest config = HttpRequest.newBuilder(URI.create(base + "/v2/models/" + MLP + "/config"))
                .header("Accept-Encoding", "gzip")
                .build();
        HttpResponse<byte[]> zipped = http.send(config, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        byte[] unzipped =
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())).readAllBytes();
        assertEquals(ok(send("GET", "/v2/models/" + MLP + "/config", null)), JSON.readTree(unzipped));
        // never events: a client reading a stream gets each event as written
        HttpResponse<java.io.InputStream> events = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/watch/models"))
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(events.body()))) {
            assertTrue(
                    events.headers().firstValue("Content-Encoding").isEmpty(),
                    events.headers().toString());
            String line = lines.readLine();
            while (line != null && !line.startsWith("data: ")) {
                line = lines.readLine(); // a comment first
            }
            assertTrue(line != null, "the first event, readable as written");
        }
    }
}
