package io.llmaos.server.generation;

import io.llmaos.server.model.engine.TokenCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a growing list of token ids into text deltas that are always whole UTF-8 characters, and
 * watches for stop sequences. Each new token is decoded with a few tokens before it as context (so
 * tokenizers that change a token's text by its neighbours still give the right delta); a delta
 * ending in an incomplete character (U+FFFD) waits for the token that completes it. Text that could
 * be the start of a stop sequence is held back until it is known not to be one; a stop sequence
 * found ends the text just before it.
 */
public final class TextDeltas {
    private final TokenCodec codec;
    private final List<String> stops;
    private final int longestStop;
    private final List<Long> ids = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private int prefixOffset;
    private int readOffset;
    /** The text of the tokens from prefixOffset to readOffset: the context of the next delta. */
    private String prefixText = "";

    private int sent;
    private boolean stopped;

    public TextDeltas(TokenCodec codec, List<String> stops) {
        this.codec = codec;
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.longestStop = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds a token; returns the text that may be sent with it ("" when held back). */
    public String add(long token) {
        ids.add(token);
        String full = decode(prefixOffset, ids.size());
        if (full.length() > prefixText.length() && !full.endsWith("\uFFFD")) {
            text.append(full, prefixText.length(), full.length());
            prefixOffset = readOffset;
            readOffset = ids.size();
            prefixText = decode(prefixOffset, readOffset);
        }
        return releasable();
    }

    /** The text of {@code token} alone (U+FFFD for bytes of a longer character), as alternatives report it. */
    public String alone(long token) {
        return codec.decode(new long[] {token});
    }

    /** Whether a stop sequence was found (the text ends before it). */
    public boolean stopped() {
        return stopped;
    }

    /** The held-back text, sent when the sequence ends for another reason. */
    public String flush() {
        String rest = stopped ? "" : text.substring(sent);
        sent = text.length();
        return rest;
    }

    private String releasable() {
        if (stopped) {
            return "";
        }
        if (longestStop > 0) {
            int from = Math.max(0, sent - longestStop + 1);
            int found = -1;
            for (String stop : stops) {
                int at = text.indexOf(stop, from);
                if (at >= 0 && (found < 0 || at < found)) {
                    found = at;
                }
            }
            if (found >= 0) {
                stopped = true;
                String out = found > sent ? text.substring(sent, found) : "";
                sent = Math.max(sent, found);
                return out;
            }
        }
        int end = text.length() - heldBack();
        if (end <= sent) {
            return "";
        }
        String out = text.substring(sent, end);
        sent = end;
        return out;
    }

    /** The longest tail of the text that begins some stop sequence. */
    private int heldBack() {
        int hold = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, text.length() - sent); n > hold; n--) {
                if (text.substring(text.length() - n).equals(stop.substring(0, n))) {
                    hold = n;
                    break;
                }
            }
        }
        return hold;
    }

    private String decode(int from, int to) {
        if (to <= from) {
            return "";
        }
        long[] slice = new long[to - from];
        for (int i = from; i < to; i++) {
            slice[i - from] = ids.get(i);
        }
        return codec.decode(slice);
    }
}
