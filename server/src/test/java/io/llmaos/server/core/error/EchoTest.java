package io.llmaos.server.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EchoTest {
    @Test
    void namesListsAndMessagesAreBounded() {
        String cut = Echo.cut("n".repeat(10_000));
        assertTrue(cut.startsWith("n".repeat(Echo.NAME_CHARS) + "...(9872 more characters)"), cut);
        assertEquals("a\\u000ab", Echo.cut("a\nb"));
        assertEquals("short", Echo.cut("short"));
        assertEquals("[a, b]", Echo.list(List.of("a", "b")));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add("x" + i);
        }
        assertEquals("[x0, x1, x2, x3, x4] and 95 more", Echo.list(many));
        String message = Echo.message("\u00e9".repeat(5000));
        assertTrue(message.getBytes(StandardCharsets.UTF_8).length <= Echo.MESSAGE_BYTES, message);
        assertTrue(message.endsWith("...(cut)"));
    }

    @Test
    void violationsAreBoundedAndCounted() {
        List<FieldViolation> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            all.add(new FieldViolation("inputs[" + i + "].name", "unknown input '" + "q".repeat(1000) + "'"));
        }
        InvalidInputException e = new InvalidInputException(all);
        assertEquals(Echo.LIST_ENTRIES, e.violations().size());
        assertEquals(10_000 - Echo.LIST_ENTRIES, e.omitted());
        assertTrue(e.violations().get(0).description().length() < 300);
        assertTrue(e.getMessage().endsWith("and 9995 more"), e.getMessage());
    }
}
