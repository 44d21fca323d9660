package io.llmaos.server.core.error;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Bounds on what an error may echo back of a request, so an answer stays small whatever was sent:
 * a name is cut to about {@value #NAME_CHARS} characters, a list to its first few entries with
 * "and N more", a whole message to {@value #MESSAGE_BYTES} bytes. Control characters are shown as
 * {@code \\uXXXX}, so an echoed value cannot forge lines in a log or a terminal.
 */
public final class Echo {
    /** The most characters of one echoed name or value. */
    public static final int NAME_CHARS = 128;
    /** The most entries of an echoed list. */
    public static final int LIST_ENTRIES = 5;
    /** The most UTF-8 bytes of a whole error message. */
    public static final int MESSAGE_BYTES = 512;

    private Echo() {}

    /** {@code value} cut to {@value #NAME_CHARS} characters (saying how many were left out), controls escaped. */
    public static String cut(String value) {
        return cut(value, NAME_CHARS);
    }

    /** {@code value} cut to {@code max} characters, controls escaped. */
    public static String cut(String value, int max) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= max && plain(value)) {
            return value;
        }
        String head = value.length() <= max ? value : value.substring(0, safeEnd(value, max));
        StringBuilder b = new StringBuilder(head.length() + 24);
        head.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        if (head.length() < value.length()) {
            b.append("...(").append(value.length() - head.length()).append(" more characters)");
        }
        return b.toString();
    }

    /** Whether {@code value} holds nothing to escape (the common case, answered without copying). */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
                return false;
            }
        }
        return true;
    }

    /** The first {@value #LIST_ENTRIES} entries, each cut, then "and N more". */
    public static String list(Collection<?> values) {
        String shown = values.stream()
                .limit(LIST_ENTRIES)
                .map(v -> cut(String.valueOf(v)))
                .collect(Collectors.joining(", ", "[", "]"));
        return values.size() <= LIST_ENTRIES ? shown : shown + " and " + (values.size() - LIST_ENTRIES) + " more";
    }

    /** {@code message} cut to at most {@value #MESSAGE_BYTES} UTF-8 bytes, on a character boundary. */
    public static String message(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MESSAGE_BYTES) {
            return message;
        }
        String suffix = "...(cut)";
        int budget = MESSAGE_BYTES - suffix.length();
        int chars = 0;
        int used = 0;
        while (chars < message.length()) {
            int c = message.codePointAt(chars);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (used + size > budget) {
                break;
            }
            used += size;
            chars += Character.charCount(c);
        }
        return message.substring(0, chars) + suffix;
    }

    /** An end index at or below {@code max} that does not split a surrogate pair. */
    private static int safeEnd(String s, int max) {
        return max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    }
}
