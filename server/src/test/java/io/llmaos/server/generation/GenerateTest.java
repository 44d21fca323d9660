package io.llmaos.server.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.v1.FinishReason;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.TokenIds;
import io.llmaos.server.ProtoTensors;
import io.llmaos.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generate through the real server on the demo GPT: greedy output equals the Python reference,
 * seeded sampling repeats, stop sequences and EOS end streams with their reasons, a cancel stops
 * decoding within a step, and concurrent streams share decode steps.
 */
class GenerateTest {
    private static final String MODEL = "gpt-kjv";
    private static TestServer server;
    private static JsonNode reference;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, MODEL);
        reference = ProtoTensors.json(TestServer.DEMO_MODELS.resolve("gpt-kjv/reference.json"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** What one stream delivered. */
    record Outcome(List<Long> ids, String text, FinishReason reason, GenerateResponse last, int messages) {}

    static Outcome run(GenerateRequest request) {
        List<Long> ids = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        GenerateResponse last = null;
        int messages = 0;
        for (Iterator<GenerateResponse> it = server.inference().generate(request); it.hasNext(); ) {
            GenerateResponse r = it.next();
            messages++;
            r.getTokensList().forEach(t -> {
                assertEquals(ids.size(), t.getIndex());
                ids.add(t.getTokenId());
                text.append(t.getText());
            });
            last = r;
        }
        return new Outcome(ids, text.toString(), last.getFinishReason(), last, messages);
    }

    static GenerateRequest.Builder prompt(String text, int maxNewTokens) {
        return GenerateRequest.newBuilder()
                .setModelName(MODEL)
                .setText(text)
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(maxNewTokens));
    }

    @Test
    void greedyOutputEqualsTheReferenceAndEndsOnEos() {
        for (JsonNode greedy : reference.get("greedy")) {
            List<Long> expected = new ArrayList<>();
            greedy.get("greedy_token_ids").forEach(v -> expected.add(v.asLong()));
            Outcome out = run(prompt(
                            greedy.get("prompt").asText(),
                            greedy.get("max_new_tokens").asInt())
                    .setRequestId("r1")
                    .build());
            assertEquals(expected, out.ids(), greedy.get("prompt").asText());
            assertEquals(greedy.get("greedy_text").asText(), out.text());
            assertEquals(FinishReason.valueOf(greedy.get("finish").asText().toUpperCase()), out.reason());
            assertEquals("r1", out.last().getRequestId());
            assertEquals(expected.size(), out.last().getUsage().getGeneratedTokens());
            assertEquals(
                    greedy.get("prompt").asText().getBytes(StandardCharsets.UTF_8).length,
                    out.last().getUsage().getPromptTokens());
        }
    }

    @Test
    void tokenIdPromptsGiveTheSameOutputAsText() {
        String text = reference.get("greedy").get(0).get("prompt").asText();
        TokenIds.Builder ids = TokenIds.newBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            ids.addIds(b & 0xff);
        }
        Outcome fromText = run(prompt(text, 20).build());
        Outcome fromIds = run(GenerateRequest.newBuilder()
                .setModelName(MODEL)
                .setTokenIds(ids)
                .setEchoPromptTokens(true)
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(20))
                .build());
        assertEquals(fromText.ids(), fromIds.ids());
    }

    @Test
    void seededSamplingIsReproducible() {
        GenerateRequest.Builder r = prompt("And God said", 40);
        r.getSamplingBuilder()
                .setTemperature(1.0f)
                .setTopK(50)
                .setTopP(0.95f)
                .setSeed(42)
                .setIgnoreEos(true);
        Outcome a = run(r.build());
        Outcome b = run(r.build());
        assertEquals(a.ids(), b.ids());
        assertEquals(40, a.ids().size());
        assertEquals(FinishReason.LENGTH, a.reason());
        r.getSamplingBuilder().setSeed(7);
        assertNotEquals(a.ids(), run(r.build()).ids(), "another seed gives another sample");
    }

    @Test
    void aStopSequenceEndsTheStreamBeforeIt() {
        // greedy continues "In the beginning" with " of the congregation of the LORD."
        GenerateRequest.Builder r = prompt("In the beginning", 64);
        r.getSamplingBuilder().addStopSequences("congregation");
        Outcome out = run(r.build());
        assertEquals(FinishReason.STOP, out.reason());
        assertEquals(" of the ", out.text());
    }

    @Test
    void textDeltasAreWholeCharactersWhenACharacterSpansTokens() {
        // the byte-level model's tokens are bytes: "é" is two of them; echo it as a prompt, then
        // decode tokens that start with the second byte of a character alone
        TokenIds ids = TokenIds.newBuilder().addIds(0xC3).build();
        Outcome out = run(GenerateRequest.newBuilder()
                .setModelName(MODEL)
                .setTokenIds(ids)
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(30).setIgnoreEos(true))
                .build());
        assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(out.text()), out.text());
    }

    @Test
    void badRequestsGetClearCodes() {
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                GenerateRequest.newBuilder().setModelName(MODEL).build());
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                GenerateRequest.newBuilder()
                        .setModelName(MODEL)
                        .setTokenIds(TokenIds.newBuilder().addIds(999))
                        .build());
        assertCode(Status.Code.INVALID_ARGUMENT, prompt("x".repeat(600), 5).build());
        GenerateRequest.Builder hot = prompt("x", 5);
        hot.getSamplingBuilder().setTemperature(-1);
        assertCode(Status.Code.INVALID_ARGUMENT, hot.build());
        assertCode(
                Status.Code.NOT_FOUND,
                GenerateRequest.newBuilder().setModelName("nope").setText("x").build());
        assertCode(Status.Code.INVALID_ARGUMENT, prompt("x", 5).setPriority(9).build());
        GenerateRequest.Builder many = prompt("x", 5);
        many.getSamplingBuilder().setTopLogprobs(21);
        assertCode(Status.Code.INVALID_ARGUMENT, many.build());
    }

    @Test
    void eachTokenNamesTheMostLikelyTokensWhenAsked() {
        GenerateRequest.Builder r = prompt("In the beginning", 6);
        r.getSamplingBuilder().setTemperature(0).setTopLogprobs(4);
        int tokens = 0;
        for (Iterator<GenerateResponse> it = server.inference().generate(r.build()); it.hasNext(); ) {
            for (var t : it.next().getTokensList()) {
                tokens++;
                assertEquals(4, t.getTopLogprobsCount(), t.toString());
                // greedy: the token is the most likely one, with its own log-probability
                assertEquals(t.getTokenId(), t.getTopLogprobs(0).getTokenId());
                assertEquals(t.getLogprob(), t.getTopLogprobs(0).getLogprob(), 1e-6);
                assertTrue(
                        t.getTopLogprobs(1).getLogprob() <= t.getTopLogprobs(0).getLogprob());
            }
        }
        assertEquals(6, tokens);
        // not asked for: none
        run(prompt("In", 2).build()).last().getTokensList().forEach(t -> assertEquals(0, t.getTopLogprobsCount()));
    }

    private static void assertCode(Status.Code code, GenerateRequest request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> run(request));
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }

    @Test
    void aCancelStopsDecodingWithinAStep() throws Exception {
        long before = decodeSteps();
        GenerateRequest.Builder r = prompt("And it came to pass", 400);
        r.getSamplingBuilder().setIgnoreEos(true);
        int received = 0;
        try (Context.CancellableContext call = Context.current().withCancellation()) {
            Iterator<GenerateResponse> it = call.call(() -> server.inference().generate(r.build()));
            while (received < 5 && it.hasNext()) {
                received += it.next().getTokensCount();
            }
            call.cancel(null);
        }
        // once the server has seen the cancel, the step count stops growing
        long settled = decodeSteps();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(20);
            long now = decodeSteps();
            if (now == settled && i > 5) {
                break;
            }
            settled = now;
        }
        long steps = settled - before;
        assertTrue(
                steps < 60,
                "decoding went on after the cancel: " + steps + " steps for " + received + " tokens received of 400");
        Thread.sleep(100);
        assertEquals(settled, decodeSteps(), "no step ran after the sequence left");
    }

    @Test
    void concurrentStreamsCompleteCorrectlyAndShareSteps() throws Exception {
        List<JsonNode> cases = new ArrayList<>();
        reference.get("greedy").forEach(cases::add);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Outcome>> outs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                JsonNode c = cases.get(i % cases.size());
                Callable<Outcome> call = () -> run(
                        prompt(c.get("prompt").asText(), c.get("max_new_tokens").asInt())
                                .build());
                outs.add(pool.submit(call));
            }
            for (int i = 0; i < 8; i++) {
                JsonNode c = cases.get(i % cases.size());
                List<Long> expected = new ArrayList<>();
                c.get("greedy_token_ids").forEach(v -> expected.add(v.asLong()));
                assertEquals(expected, outs.get(i).get(60, TimeUnit.SECONDS).ids(), "stream " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        long shared = stats().getBatchSizesList().stream()
                .filter(b -> b.getBatchSize() > 1)
                .mapToLong(b -> b.getCount())
                .sum();
        assertTrue(shared > 0, "decode steps with more than one sequence: " + stats().getBatchSizesList());
    }

    @Test
    void aReaderThatTakesNothingStallsNoOtherStreamAndGetsEverythingLater() throws Exception {
        java.util.concurrent.atomic.AtomicReference<io.grpc.stub.ClientCallStreamObserver<GenerateRequest>> slowCall =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<GenerateResponse> slowMessages = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CompletableFuture<Void> slowDone = new java.util.concurrent.CompletableFuture<>();
        GenerateRequest.Builder slow = prompt("In the beginning", 300);
        slow.getSamplingBuilder().setIgnoreEos(true);
        io.llmaos.proto.v1.InferenceServiceGrpc.newStub(server.channel())
                .generate(slow.build(), new io.grpc.stub.ClientResponseObserver<GenerateRequest, GenerateResponse>() {
                    @Override
                    public void beforeStart(io.grpc.stub.ClientCallStreamObserver<GenerateRequest> call) {
                        call.disableAutoRequestWithInitial(1);
                        slowCall.set(call);
                    }

                    @Override
                    public void onNext(GenerateResponse r) {
                        slowMessages.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        slowDone.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        slowDone.complete(null);
                    }
                });
        // while it takes nothing more, other streams run to the end
        JsonNode c = reference.get("greedy").get(1);
        List<Long> expected = new ArrayList<>();
        c.get("greedy_token_ids").forEach(v -> expected.add(v.asLong()));
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    expected,
                    run(prompt(c.get("prompt").asText(), c.get("max_new_tokens").asInt())
                                    .build())
                            .ids());
        }
        assertTrue(slowMessages.size() <= 1, "the slow reader asked for one message: " + slowMessages.size());
        slowCall.get().request(Integer.MAX_VALUE);
        slowDone.get(60, TimeUnit.SECONDS);
        int tokens =
                slowMessages.stream().mapToInt(GenerateResponse::getTokensCount).sum();
        assertEquals(300, tokens, "every token reached the slow reader");
        assertEquals(
                FinishReason.LENGTH, slowMessages.get(slowMessages.size() - 1).getFinishReason());
    }

    private static ModelSchedulerStats stats() {
        return SchedulerServiceGrpc.newBlockingStub(server.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(MODEL).build())
                .getModels(0);
    }

    private static long decodeSteps() {
        return stats().getBatchSizesList().stream().mapToLong(b -> b.getCount()).sum();
    }
}
