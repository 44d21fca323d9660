package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ClientCall;
import io.llmaos.proto.v1.FinishReason;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.TokenChunk;
import io.llmaos.proto.v1.TopLogprob;
import io.llmaos.proto.v1.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One completion or chat answer as the OpenAI API shapes it, whole or streamed, over one or more
 * choices (prompts times {@code n}), each fed by its own Generate stream: it writes
 * {@code text_completion} / {@code chat.completion} objects with every choice once all have finished,
 * or one chunk per text delta of a choice ({@code chat.completion.chunk}; a chat choice's first chunk
 * carries the role), its finish reason on its last, a usage chunk when asked, and {@code data: [DONE]}
 * after the last choice. Usage counts each prompt once and every choice's tokens. A failure of any
 * choice ends the answer (the other choices' calls are cancelled): before anything was sent with its
 * HTTP status, after it as a last {@code {"error"}} event. Its methods are called from the calls'
 * threads, one at a time.
 */
final class OpenAiReply {
    /** How tokens' log-probabilities are reported: none, the sampled token's, or also the most likely tokens'. */
    enum Logprobs {
        NONE,
        SAMPLED,
        TOP
    }

    /** What a sequence past its deadline answers: 504, as a call that missed it before its first token. */
    private static final OpenAiError TIMED_OUT = new OpenAiError(
            504, "server_error", "the request did not finish within its deadline", null, "timeout", java.util.Map.of());

    /** What a choice whose call ended without finishing its sequence answers. */
    private static final OpenAiError UNFINISHED = new OpenAiError(
            503, "server_error", "the generation ended before it finished", null, "unfinished", java.util.Map.of());

    private final HttpExchange x;
    private final boolean chat;
    private final String id;
    private final long created;
    private final String model;
    private final OpenAiSampling sampling;
    private final Logprobs logprobs;
    private final List<Choice> choices = new ArrayList<>();
    private final List<ClientCall<?, ?>> calls = new ArrayList<>();
    private int unfinished;
    private boolean started;
    private boolean over;

    /** One choice: what it has written, and how it ended. */
    private static final class Choice {
        final int index;
        final String echo;
        final boolean countsPrompt;
        final StringBuilder text = new StringBuilder();
        final ArrayNode chatLogprobs = Json.MAPPER.createArrayNode();
        final ObjectNode completionLogprobs = Json.object();
        boolean begun;
        String finish;
        Usage usage = Usage.getDefaultInstance();

        Choice(int index, String echo, boolean countsPrompt) {
            this.index = index;
            this.echo = echo;
            this.countsPrompt = countsPrompt;
            for (String key : List.of("tokens", "token_logprobs", "top_logprobs", "text_offset")) {
                completionLogprobs.putArray(key);
            }
        }
    }

    OpenAiReply(
            HttpExchange x,
            boolean chat,
            String id,
            long created,
            String model,
            OpenAiSampling sampling,
            Logprobs logprobs) {
        this.x = x;
        this.chat = chat;
        this.id = id;
        this.created = created;
        this.model = model;
        this.sampling = sampling;
        this.logprobs = logprobs;
    }

    /**
     * Adds a choice (its index is the order of adding); {@code echo} is the prompt to write before its
     * text (null: none), {@code countsPrompt} whether usage counts its prompt (the first choice of each).
     */
    synchronized int choice(String echo, boolean countsPrompt) {
        choices.add(new Choice(choices.size(), echo, countsPrompt));
        unfinished++;
        return choices.size() - 1;
    }

    /** A choice's call, cancelled when another choice fails (at once when the answer has already ended). */
    synchronized void track(ClientCall<?, ?> call) {
        if (over) {
            call.cancel("another choice of the request failed", null);
        } else {
            calls.add(call);
        }
    }

    /** Whether the answer has ended in a failure (no more choices need starting). */
    synchronized boolean over() {
        return over;
    }

    /** One message of choice {@code index}'s Generate stream. */
    synchronized void message(int index, GenerateResponse m) {
        if (over) {
            return;
        }
        Choice c = choices.get(index);
        StringBuilder delta = new StringBuilder();
        if (!c.begun && c.echo != null) {
            delta.append(c.echo);
        }
        int offset = c.text.length() + delta.length();
        ObjectNode lp = logprobs == Logprobs.NONE ? null : chatOrCompletionLogprobs(c, m.getTokensList(), offset);
        for (TokenChunk t : m.getTokensList()) {
            delta.append(t.getText());
        }
        c.text.append(delta);
        // a sequence whose deadline passed ends as a failure, as a call that missed it before its first token
        boolean late = m.getFinishReason() == FinishReason.DEADLINE;
        // a sequence cancelled with its call (the client went, or the call's deadline passed) is no
        // answer: the call's end says which, and ended() answers it
        String finish = m.getFinishReason() == FinishReason.FINISH_REASON_UNSPECIFIED
                        || late
                        || m.getFinishReason() == FinishReason.CANCELLED
                ? null
                : finish(m.getFinishReason());
        if (late && (!sampling.stream() || !started && delta.length() == 0)) {
            fail(TIMED_OUT);
            return;
        }
        if (finish != null) {
            c.finish = finish;
            c.usage = m.getUsage();
            unfinished--;
        }
        if (!sampling.stream()) {
            if (unfinished == 0) {
                x.json(200, Json.write(whole()));
            }
            return;
        }
        if (!started) {
            started = x.startEvents();
        }
        if (chat && !c.begun) {
            ObjectNode first = chunk();
            first.putArray("choices")
                    .addObject()
                    .put("index", c.index)
                    .putNull("logprobs")
                    .putNull("finish_reason")
                    .putObject("delta")
                    .put("role", "assistant")
                    .put("content", "");
            x.event(Json.write(first));
        }
        c.begun = true;
        if (delta.length() > 0 || finish != null) {
            ObjectNode chunk = chunk();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", c.index);
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
            x.event(Json.write(chunk));
        }
        if (late) {
            fail(TIMED_OUT);
            return;
        }
        if (finish != null && unfinished == 0) {
            if (sampling.includeUsage()) {
                ObjectNode u = chunk();
                u.putArray("choices");
                u.set("usage", usage());
                x.event(Json.write(u));
            }
            x.event("[DONE]");
            x.endEvents();
        }
    }

    /** Choice {@code index}'s Generate call ended with {@code failure} (null: as it should, after its last message). */
    synchronized void ended(int index, Throwable failure) {
        if (over) {
            return;
        }
        if (failure != null) {
            fail(OpenAiError.of(failure));
        } else if (choices.get(index).finish == null) {
            fail(UNFINISHED); // the call ended well without finishing its sequence: never left unanswered
        }
    }

    private void fail(OpenAiError e) {
        over = true;
        for (ClientCall<?, ?> call : calls) {
            call.cancel("another choice of the request failed", null);
        }
        if (!started) {
            e.answer(x);
            return;
        }
        x.event(Json.write(e.body()));
        x.event("[DONE]");
        x.endEvents();
    }

    /** An answer's or chunk's head: its id, object type, time and model. */
    private ObjectNode head(String object) {
        return Json.object()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", model);
    }

    private ObjectNode chunk() {
        ObjectNode c = head(chat ? "chat.completion.chunk" : "text_completion");
        if (sampling.includeUsage()) {
            c.putNull("usage");
        }
        return c;
    }

    private ObjectNode whole() {
        ObjectNode w = head(chat ? "chat.completion" : "text_completion");
        ArrayNode all = w.putArray("choices");
        for (Choice c : choices) {
            ObjectNode choice = all.addObject().put("index", c.index);
            if (chat) {
                choice.putObject("message").put("role", "assistant").put("content", c.text.toString());
                choice.set(
                        "logprobs",
                        logprobs == Logprobs.NONE ? null : Json.object().set("content", c.chatLogprobs));
            } else {
                choice.put("text", c.text.toString());
                choice.set("logprobs", logprobs == Logprobs.NONE ? null : c.completionLogprobs);
            }
            choice.put("finish_reason", c.finish);
        }
        w.set("usage", usage());
        return w;
    }

    /** Each prompt's tokens once, and every choice's. */
    private ObjectNode usage() {
        long prompt = 0;
        long generated = 0;
        for (Choice c : choices) {
            prompt += c.countsPrompt ? c.usage.getPromptTokens() : 0;
            generated += c.usage.getGeneratedTokens();
        }
        return Json.object()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", generated)
                .put("total_tokens", prompt + generated);
    }

    /** The log-probabilities of {@code tokens} (the delta's, for a chunk), added to the whole answer's too. */
    private ObjectNode chatOrCompletionLogprobs(Choice c, List<TokenChunk> tokens, int offset) {
        boolean top = logprobs == Logprobs.TOP;
        if (chat) {
            ArrayNode content = Json.MAPPER.createArrayNode();
            for (TokenChunk t : tokens) {
                ObjectNode one = tokenLogprob(t.getText(), t.getLogprob());
                ArrayNode tops = one.putArray("top_logprobs");
                for (TopLogprob a : top ? t.getTopLogprobsList() : List.<TopLogprob>of()) {
                    tops.add(tokenLogprob(a.getText(), a.getLogprob()));
                }
                content.add(one);
                c.chatLogprobs.add(one);
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
                ObjectNode likely = tops.addObject();
                t.getTopLogprobsList().forEach(a -> likely.put(a.getText(), a.getLogprob()));
            } else {
                tops.addNull();
            }
            offsets.add(at);
            at += t.getText().length();
        }
        for (String key : List.of("tokens", "token_logprobs", "top_logprobs", "text_offset")) {
            ((ArrayNode) c.completionLogprobs.get(key)).addAll((ArrayNode) part.get(key));
        }
        return part;
    }

    private static ObjectNode tokenLogprob(String text, float logprob) {
        ObjectNode one = Json.object().put("token", text).put("logprob", logprob);
        ArrayNode bytes = one.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return one;
    }

    private static String finish(FinishReason reason) {
        return switch (reason) {
            case LENGTH -> "length";
            case STOP, EOS -> "stop";
            default -> "abort"; // a reason this version does not know (vLLM's word)
        };
    }
}
