package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import io.llmaos.server.ChildServer;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.RawCalls;
import io.llmaos.server.TestServer;
import io.llmaos.server.security.TokenTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads, prompts, generated text and tokens never reach a log or an error: a server logging at
 * DEBUG gets a distinctive prompt, input texts, stop sequences and tokens in valid and invalid
 * calls, and neither its whole output nor any status, message or trailer of the answers holds them.
 */
class PrivacyTest {
    private static final String MARK = "zq7PRIVATEmarkXv";
    private static final String TOKEN = "tok-" + MARK;

    @TempDir
    Path dir;

    @Test
    void noPayloadPromptOrTokenReachesALogOrAnError() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), TokenTable.hashOf(TOKEN) + " acme admin\n");
        List<String> answers = new ArrayList<>();
        String generated;
        try (ChildServer server = ChildServer.start(
                List.of("-Dllmaos.log.level=debug"),
                "--models",
                TestServer.DEMO_MODELS.toString(),
                "--load-models",
                "gpt-kjv,all-MiniLM-L6-v2",
                "--auth-tokens",
                tokens.toString(),
                "--max-prompt-bytes",
                "1KiB",
                "--max-element-bytes",
                "1KiB")) {
            ManagedChannel plain = server.channel();
            try {
                Channel ch = withToken(plain, TOKEN);
                var infer = InferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
                StringBuilder text = new StringBuilder();
                Iterator<GenerateResponse> it = infer.generate(generate("And " + MARK + " said", 12, List.of()));
                it.forEachRemaining(r -> r.getTokensList().forEach(t -> text.append(t.getText())));
                generated = text.toString();

                record(
                        answers,
                        () -> infer.generate(generate(MARK.repeat(100), 4, List.of()))
                                .next());
                record(
                        answers,
                        () -> infer.generate(generate("x", 4, List.of(MARK.repeat(80))))
                                .next());
                record(
                        answers,
                        () -> infer.generate(generate(MARK, 4, List.of()).toBuilder()
                                        .setSampling(SamplingParams.newBuilder().setTemperature(Float.NaN))
                                        .build())
                                .next());
                record(answers, () -> infer.infer(text("all-MiniLM-L6-v2", MARK + " is a sentence")));
                record(answers, () -> infer.infer(text("all-MiniLM-L6-v2", MARK.repeat(100))));
                record(answers, () -> infer.infer(text("gpt-kjv", MARK)));
                record(answers, () -> infer.infer(text("no-such-model", MARK)));
                record(
                        answers,
                        () -> GRPCInferenceServiceGrpc.newBlockingStub(ch)
                                // a raw BYTES element whose length prefix runs past the end
                                .modelInfer(DemoRequests.minilmRaw(ByteString.copyFrom(new byte[] {(byte) 200, 0, 0, 0})
                                        .concat(utf8(MARK)))));
                record(
                        answers,
                        () -> InferenceServiceGrpc.newBlockingStub(withToken(plain, "wrong-" + MARK))
                                .infer(text("all-MiniLM-L6-v2", MARK)));
                Status raw = RawCalls.call(
                        ch,
                        InferenceServiceGrpc.getInferMethod(),
                        ("\u0012\u0099" + MARK).getBytes(StandardCharsets.ISO_8859_1));
                answers.add(raw.toString());
            } finally {
                plain.shutdownNow();
            }
            String log = server.output();
            assertTrue(log.contains("serving on"), "the output was captured:\n" + log);
            assertFalse(log.contains(MARK), "the output holds the marker:\n" + log);
            assertTrue(generated.length() > 8, "text was generated: '" + generated + "'");
            assertFalse(log.contains(generated.strip()), "the output holds generated text:\n" + log);
        }
        assertEquals(10, answers.size(), answers.toString());
        // each call was refused for its own reason (or served), so each path that quotes a request ran
        List<String> codes = List.of(
                "INVALID_ARGUMENT",
                "INVALID_ARGUMENT",
                "INVALID_ARGUMENT",
                "OK",
                "INVALID_ARGUMENT",
                "FAILED_PRECONDITION",
                "NOT_FOUND",
                "INVALID_ARGUMENT",
                "UNAUTHENTICATED",
                "INVALID_ARGUMENT");
        for (int i = 0; i < codes.size(); i++) {
            String a = answers.get(i);
            assertTrue(a.equals(codes.get(i)) || a.startsWith("Status{code=" + codes.get(i) + ","), i + ": " + a);
        }
        for (String a : answers) {
            assertFalse(a.contains(MARK), "an answer holds the marker: " + a);
        }
    }

    private static Channel withToken(Channel channel, String token) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(h));
    }

    /** Runs a call expected to fail and keeps everything its answer says: status, message, trailers. */
    private static void record(List<String> answers, Supplier<?> call) {
        try {
            call.get();
            answers.add("OK");
        } catch (StatusRuntimeException e) {
            answers.add(e.getStatus() + " " + e.getTrailers());
        }
    }

    private static GenerateRequest generate(String prompt, int tokens, List<String> stops) {
        return GenerateRequest.newBuilder()
                .setModelName("gpt-kjv")
                .setText(prompt)
                .setSampling(SamplingParams.newBuilder()
                        .setMaxNewTokens(tokens)
                        .setSeed(7)
                        .addAllStopSequences(stops))
                .build();
    }

    private static InferRequest text(String model, String sentence) {
        return InferRequest.newBuilder()
                .setModelName(model)
                .addInputs(Tensor.newBuilder()
                        .setName("text")
                        .setDatatype(DataType.BYTES)
                        .addShape(1)
                        .setContents(TensorContents.newBuilder().addBytesContents(utf8(sentence))))
                .build();
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
