package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.oip.InferTensorContents;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelMetadataResponse;
import io.llmaos.proto.oip.ServerMetadataRequest;
import io.llmaos.proto.oip.ServerMetadataResponse;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.TenantQuota;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KServe v2 REST API over real HTTP against a real server, each answer compared with the gRPC
 * answer to the same request: server and model metadata, health, JSON and binary inference, the
 * repository extension, and every error with its status (400, 404, 405, 413, 429 with Retry-After,
 * 504).
 */
class RestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MLP = "mlp-classifier";
    private static final float[] ROW = {
        0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 1.1f, 1.2f, 1.3f, 1.4f, 1.5f, 1.6f
    };

    @TempDir
    static Path dir;

    private static TestServer server;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo(MLP, MLP);
        repo.copyDemo("tf-dense", "tf-dense");
        repo.copyMlpWithQueueDelay("slow", 300_000);
        server = TestServer.withHttp(dir, MLP + ",tf-dense,slow", Map.of());
        base = server.httpBase();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String path, String json) throws Exception {
        return post(path, json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** The MLP's scores for ROW through gRPC ModelInfer. */
    static List<Float> grpcScores() {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float f : ROW) {
            c.addFp32Contents(f);
        }
        ModelInferResponse r = server.oip()
                .modelInfer(ModelInferRequest.newBuilder()
                        .setModelName(MLP)
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("features")
                                .setDatatype("FP32")
                                .addShape(1)
                                .addShape(16)
                                .setContents(c))
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("scores"))
                        .build());
        ByteBuffer b = r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<Float> out = new ArrayList<>();
        while (b.hasRemaining()) {
            out.add(b.getFloat());
        }
        return out;
    }

    static String rowJson(boolean nested) {
        StringBuilder b = new StringBuilder(nested ? "[[" : "[");
        for (int i = 0; i < ROW.length; i++) {
            b.append(i == 0 ? "" : ",").append(ROW[i]);
        }
        return b.append(nested ? "]]" : "]").toString();
    }

    @Test
    void metadataAndHealthSayWhatGrpcSays() throws Exception {
        HttpResponse<byte[]> meta = get("/v2");
        assertEquals(200, meta.statusCode());
        ServerMetadataResponse grpc = server.oip().serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals(grpc.getName(), json(meta).get("name").asText());
        assertEquals(grpc.getVersion(), json(meta).get("version").asText());
        List<String> extensions = new java.util.ArrayList<>(grpc.getExtensionsList());
        extensions.add("binary_tensor_data"); // the HTTP port's own: Triton's binary tensors
        List<String> overHttp = new java.util.ArrayList<>();
        json(meta).get("extensions").forEach(e -> overHttp.add(e.asText()));
        assertEquals(extensions, overHttp);
        assertEquals(200, get("/v2/health/live").statusCode());
        assertEquals(200, get("/v2/health/ready").statusCode());
        // the status is the answer; the body says it too, as KServe's server writes it and its client reads it
        assertTrue(json(get("/v2/health/ready")).get("ready").asBoolean());
        assertTrue(json(get("/v2/health/live")).get("live").asBoolean());
        assertTrue(json(get("/v2/models/" + MLP + "/ready")).get("ready").asBoolean());
        HttpResponse<byte[]> model = get("/v2/models/" + MLP);
        assertEquals(200, model.statusCode());
        ModelMetadataResponse m = server.oip()
                .modelMetadata(ModelMetadataRequest.newBuilder().setName(MLP).build());
        JsonNode j = json(model);
        assertEquals(m.getName(), j.get("name").asText());
        assertEquals(m.getPlatform(), j.get("platform").asText());
        assertEquals(m.getVersionsList().get(0), j.get("versions").get(0).asText());
        assertEquals("features", j.get("inputs").get(0).get("name").asText());
        assertEquals(
                m.getInputs(0).getShapeList().get(1).longValue(),
                j.get("inputs").get(0).get("shape").get(1).asLong());
        assertTrue(j.get("inputs").get(0).get("shape").get(1).isNumber(), "shapes are numbers");
        assertEquals(200, get("/v2/models/" + MLP + "/versions/1").statusCode());
        assertEquals(200, get("/v2/models/" + MLP + "/ready").statusCode());
        assertEquals(200, get("/v2/models/" + MLP + "/versions/1/ready").statusCode());
        assertEquals(200, get("/v2/models/" + MLP + "/config").statusCode());
        assertEquals(MLP, json(get("/v2/models/" + MLP + "/config")).get("name").asText());
        assertEquals(200, get("/v2/models/" + MLP + "/stats").statusCode());
    }

    @Test
    void jsonInferenceEqualsGrpc() throws Exception {
        List<Float> expected = grpcScores();
        for (boolean nested : new boolean[] {false, true}) {
            HttpResponse<byte[]> r = post(
                    "/v2/models/" + MLP + "/infer",
                    "{\"id\": \"r1\", \"inputs\": [{\"name\":"
                            + " \"features\", \"shape\": [1, 16], \"datatype\": \"FP32\", \"data\": " + rowJson(nested)
                            + "}], \"outputs\": [{\"name\": \"scores\"}]}");
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            JsonNode j = json(r);
            assertEquals(MLP, j.get("model_name").asText());
            assertEquals("1", j.get("model_version").asText());
            assertEquals("r1", j.get("id").asText());
            JsonNode out = j.get("outputs").get(0);
            assertEquals("scores", out.get("name").asText());
            assertEquals("FP32", out.get("datatype").asText());
            assertEquals(
                    List.of(1, 4),
                    List.of(
                            out.get("shape").get(0).asInt(),
                            out.get("shape").get(1).asInt()));
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), (float) out.get("data").get(i).asDouble(), 1e-6);
            }
        }
    }

    @Test
    void binaryTensorsEqualGrpc() throws Exception {
        List<Float> expected = grpcScores();
        ByteBuffer in = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : ROW) {
            in.putFloat(f);
        }
        byte[] header = ("{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 16], \"datatype\": \"FP32\","
                        + " \"parameters\": {\"binary_data_size\": 64}}], \"parameters\": {\"binary_data_output\": true}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[header.length + 64];
        System.arraycopy(header, 0, body, 0, header.length);
        System.arraycopy(in.array(), 0, body, header.length, 64);
        HttpResponse<byte[]> r = post(
                "/v2/models/" + MLP + "/infer",
                body,
                "Inference-Header-Content-Length",
                String.valueOf(header.length),
                "Content-Type",
                "application/octet-stream");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        int length = Integer.parseInt(
                r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode j = JSON.readTree(new String(r.body(), 0, length, StandardCharsets.UTF_8));
        JsonNode scores = null;
        int offset = length;
        for (JsonNode o : j.get("outputs")) {
            int size = o.get("parameters").get("binary_data_size").asInt();
            assertTrue(!o.has("data"), "a binary output has no JSON data");
            if (o.get("name").asText().equals("scores")) {
                scores = o;
                ByteBuffer b = ByteBuffer.wrap(r.body(), offset, size).order(ByteOrder.LITTLE_ENDIAN);
                for (Float e : expected) {
                    assertEquals(e, b.getFloat(), 1e-6);
                }
            }
            offset += size;
        }
        assertNotNull(scores);
        assertEquals(r.body().length, offset, "the body ends with the last binary output");
    }

    @Test
    void errorsKeepTheirMeaningAsHttpStatuses() throws Exception {
        String row = "{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 16], \"datatype\": \"FP32\", \"data\": "
                + rowJson(false) + "}]}";
        HttpResponse<byte[]> missing = post("/v2/models/nope/infer", row);
        assertEquals(404, missing.statusCode());
        StatusRuntimeException grpc = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> server.oip()
                        .modelInfer(ModelInferRequest.newBuilder()
                                .setModelName("nope")
                                .build()));
        assertEquals(
                grpc.getStatus().getDescription(), json(missing).get("error").asText(), "the same message as gRPC");
        assertEquals(400, post("/v2/models/" + MLP + "/infer", "{\"inputs\": [").statusCode());
        HttpResponse<byte[]> shape = post("/v2/models/" + MLP + "/infer", row.replace("[1, 16]", "[1, 15]"));
        assertEquals(400, shape.statusCode());
        assertTrue(
                json(shape).get("error").asText().contains("features"),
                new String(shape.body(), StandardCharsets.UTF_8));
        assertEquals(
                400,
                post("/v2/models/" + MLP + "/infer", row.replace("FP32", "FP16"))
                        .statusCode());
        assertEquals(405, get("/v2/models/" + MLP + "/infer").statusCode());
        assertEquals(404, get("/v2/nothing/here").statusCode());
        assertTrue(json(get("/v2/nothing/here")).has("error"));
        HttpResponse<byte[]> huge =
                post("/v2/models/" + MLP + "/infer", new byte[65 << 20], "Content-Type", "application/json");
        assertEquals(413, huge.statusCode(), "a body past the message limit");
        // a deadline the queue delay outlasts: a request that comes within the delay of another waits
        // for company (up to 300 ms) on "slow", past its 20 ms timeout
        assertEquals(200, post("/v2/models/slow/infer", row).statusCode());
        HttpResponse<byte[]> late = post(
                "/v2/models/slow/infer",
                row.replace("{\"inputs\"", "{\"parameters\": {\"timeout\": 20000}, \"inputs\""));
        assertEquals(504, late.statusCode(), new String(late.body(), StandardCharsets.UTF_8));
        // a tenant past its rate: 429 with Retry-After
        SchedulerServiceGrpc.newBlockingStub(server.channel())
                .setPolicy(SetPolicyRequest.newBuilder()
                        .setPolicy(SchedulingPolicy.newBuilder()
                                .setModelName("tf-dense")
                                .setDefaultTenant(TenantPolicy.newBuilder()
                                        .setQuota(TenantQuota.newBuilder()
                                                .setMaxRequestsPerSecond(0.1)
                                                .setBurst(1))))
                        .build());
        String dense =
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}";
        assertEquals(200, post("/v2/models/tf-dense/infer", dense).statusCode());
        HttpResponse<byte[]> limited = post("/v2/models/tf-dense/infer", dense);
        assertEquals(429, limited.statusCode(), new String(limited.body(), StandardCharsets.UTF_8));
        assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        // nothing else was harmed
        assertEquals(200, post("/v2/models/" + MLP + "/infer", row).statusCode());
    }

    @Test
    void theRepositoryExtensionLoadsAndUnloads() throws Exception {
        HttpResponse<byte[]> index = post("/v2/repository/index", "{}");
        assertEquals(200, index.statusCode());
        List<String> names = new ArrayList<>();
        json(index).forEach(m -> names.add(m.get("name").asText()));
        assertTrue(names.containsAll(List.of(MLP, "tf-dense", "slow")), names.toString());
        assertEquals(200, post("/v2/repository/models/tf-dense/unload", "{}").statusCode());
        assertEquals(400, get("/v2/models/tf-dense/ready").statusCode(), "unloaded: not ready");
        assertEquals(200, post("/v2/repository/models/tf-dense/load", "").statusCode());
        assertEquals(200, get("/v2/models/tf-dense/ready").statusCode());
        assertEquals(404, post("/v2/repository/models/nope/load", "{}").statusCode());
    }
}
