package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.v1.FinishReason;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.TokenChunk;
import io.llmaos.proto.v1.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One completion or chat answer as the OpenAI API shapes it, whole or streamed: fed the Generate
 * stream's messages, it writes {@code text_completion} / {@code chat.completion} objects, or one
 * chunk per text delta ({@code chat.completion.chunk}; a chat's first chunk carries the role), the
 * finish reason on the last, a usage chunk when asked, and {@code data: [DONE]}. A failure before
 * anything was sent is answered with its HTTP status; one after it as a last {@code {"error"}} event.
 */
final class OpenAiReply {
    /** How tokens' log-probabilities are reported: none, or the sampled token's (with it as its own top one). */
    enum Logprobs {
        NONE,
        SAMPLED,
        SAMPLED_AND_TOP
    }

    /** What a sequence past its deadline answers: 504, as a call that missed it before its first token. */
    private static final OpenAiError TIMED_OUT = new OpenAiError(
            504, "server_error", "the request did not finish within its deadline", null, "timeout", java.util.Map.of());

    private final HttpExchange x;
    private final boolean chat;
    private final String id;
    private final long created;
    private final String model;
    private final OpenAiSampling sampling;
    private final Logprobs logprobs;
    private final String echo;
    private final StringBuilder text = new StringBuilder();
    private final ArrayNode chatLogprobs = Json.MAPPER.createArrayNode();
    private final ObjectNode completionLogprobs = Json.object();
    private boolean started;

    OpenAiReply(
            HttpExchange x,
            boolean chat,
            String id,
            long created,
            String model,
            OpenAiSampling sampling,
            Logprobs logprobs,
            String echo) {
        this.x = x;
        this.chat = chat;
        this.id = id;
        this.created = created;
        this.model = model;
        this.sampling = sampling;
        this.logprobs = logprobs;
        this.echo = echo;
        for (String key : List.of("tokens", "token_logprobs", "top_logprobs", "text_offset")) {
            completionLogprobs.putArray(key);
        }
    }

    /** One message of the Generate stream. */
    void message(GenerateResponse m) {
        StringBuilder delta = new StringBuilder();
        if (!started && echo != null) {
            delta.append(echo);
        }
        int offset = text.length() + delta.length();
        ObjectNode lp = logprobs == Logprobs.NONE ? null : chatOrCompletionLogprobs(m.getTokensList(), offset);
        for (TokenChunk t : m.getTokensList()) {
            delta.append(t.getText());
        }
        text.append(delta);
        // a sequence whose deadline passed ends as a failure, as a call that missed it before its first token
        boolean late = m.getFinishReason() == FinishReason.DEADLINE;
        String finish = m.getFinishReason() == FinishReason.FINISH_REASON_UNSPECIFIED || late
                ? null
                : finish(m.getFinishReason());
        if (late && (!sampling.stream() || !started && delta.length() == 0)) {
            ended(TIMED_OUT);
            return;
        }
        if (!sampling.stream()) {
            if (finish != null) {
                x.json(200, Json.write(whole(finish, m.getUsage())));
            }
            return;
        }
        if (!started) {
            started = x.startEvents();
            if (chat) {
                ObjectNode first = chunk();
                first.putArray("choices")
                        .addObject()
                        .put("index", 0)
                        .putNull("logprobs")
                        .putNull("finish_reason")
                        .putObject("delta")
                        .put("role", "assistant")
                        .put("content", "");
                x.event(Json.write(first));
            }
        }
        if (delta.length() > 0 || finish != null) {
            ObjectNode c = chunk();
            ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
            if (chat) {
                ObjectNode d = choice.putObject("delta");
                if (delta.length() > 0) {
                    d.put("content", delta.toString());
                }
            } else {
                choice.put("text", delta.toString());
            }
            choice.set("logprobs", lp);
            choice.put("finish_reason", finish);
            x.event(Json.write(c));
        }
        if (late) {
            ended(TIMED_OUT);
            return;
        }
        if (finish != null) {
            if (sampling.includeUsage()) {
                ObjectNode u = chunk();
                u.putArray("choices");
                u.set("usage", usage(m.getUsage()));
                x.event(Json.write(u));
            }
            x.event("[DONE]");
            x.endEvents();
        }
    }

    /** The Generate call ended with {@code failure} (null: it ended as it should, after its last message). */
    void ended(Throwable failure) {
        if (failure == null) {
            return;
        }
        OpenAiError e = OpenAiError.of(failure);
        if (!started) {
            e.answer(x);
            return;
        }
        x.event(Json.write(e.body()));
        x.event("[DONE]");
        x.endEvents();
    }

    private ObjectNode chunk() {
        ObjectNode c = Json.object()
                .put("id", id)
                .put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", created)
                .put("model", model);
        if (sampling.includeUsage()) {
            c.putNull("usage");
        }
        return c;
    }

    private ObjectNode whole(String finish, Usage usage) {
        ObjectNode w = Json.object()
                .put("id", id)
                .put("object", chat ? "chat.completion" : "text_completion")
                .put("created", created)
                .put("model", model);
        ObjectNode choice = w.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", text.toString());
            choice.set(
                    "logprobs", logprobs == Logprobs.NONE ? null : Json.object().set("content", chatLogprobs));
        } else {
            choice.put("text", text.toString());
            choice.set("logprobs", logprobs == Logprobs.NONE ? null : completionLogprobs);
        }
        choice.put("finish_reason", finish);
        w.set("usage", usage(usage));
        return w;
    }

    private static ObjectNode usage(Usage u) {
        return Json.object()
                .put("prompt_tokens", u.getPromptTokens())
                .put("completion_tokens", u.getGeneratedTokens())
                .put("total_tokens", u.getPromptTokens() + u.getGeneratedTokens());
    }

    /** The log-probabilities of {@code tokens} (the delta's, for a chunk), added to the whole answer's too. */
    private ObjectNode chatOrCompletionLogprobs(List<TokenChunk> tokens, int offset) {
        boolean top = logprobs == Logprobs.SAMPLED_AND_TOP;
        if (chat) {
            ArrayNode content = Json.MAPPER.createArrayNode();
            for (TokenChunk t : tokens) {
                ObjectNode one = tokenLogprob(t);
                ArrayNode tops = one.putArray("top_logprobs");
                if (top) {
                    tops.add(tokenLogprob(t));
                }
                content.add(one);
                chatLogprobs.add(one);
            }
            return Json.object().set("content", content);
        }
        ObjectNode part = Json.object();
        ArrayNode tokenTexts = part.putArray("tokens");
        ArrayNode values = part.putArray("token_logprobs");
        ArrayNode tops = part.putArray("top_logprobs");
        ArrayNode offsets = part.putArray("text_offset");
        int at = offset;
        for (TokenChunk t : tokens) {
            tokenTexts.add(t.getText());
            values.add(t.getLogprob());
            if (top) {
                tops.add(Json.object().put(t.getText(), t.getLogprob()));
            } else {
                tops.addNull();
            }
            offsets.add(at);
            at += t.getText().length();
        }
        for (String key : List.of("tokens", "token_logprobs", "top_logprobs", "text_offset")) {
            ((ArrayNode) completionLogprobs.get(key)).addAll((ArrayNode) part.get(key));
        }
        return part;
    }

    private static ObjectNode tokenLogprob(TokenChunk t) {
        ObjectNode one = Json.object().put("token", t.getText()).put("logprob", t.getLogprob());
        ArrayNode bytes = one.putArray("bytes");
        for (byte b : t.getText().getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return one;
    }

    private static String finish(FinishReason reason) {
        return switch (reason) {
            case LENGTH -> "length";
            case STOP, EOS -> "stop";
            default -> "abort"; // cancelled (vLLM's word; the OpenAI API has none)
        };
    }
}
