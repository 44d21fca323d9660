package io.llmaos.server.core.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The name rules, checked by hand on every request, agree with the rules as their messages state them. */
class NamesTest {
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    @Property(tries = 3000)
    void agreeWithTheStatedRules(
            @ForAll
                    @StringLength(max = 140)
                    @CharRange(from = 'a', to = 'z')
                    @CharRange(from = 'A', to = 'Z')
                    @CharRange(from = '0', to = '9')
                    @Chars({'.', '_', '-', ':', '@', '/', ' ', 'é', '\u0000', '[', '`', '{'})
                    String name) {
        assertEquals(
                MODEL.matcher(name).matches() && !name.equals(".") && !name.equals(".."),
                Names.isModelName(name),
                name);
        assertEquals(TENANT.matcher(name).matches(), Names.isTenant(name), name);
    }

    @Test
    void edges() {
        assertFalse(Names.isModelName(null));
        assertFalse(Names.isModelName(""));
        assertFalse(Names.isModelName(".."));
        assertTrue(Names.isModelName("..."));
        assertTrue(Names.isModelName("a".repeat(128)));
        assertFalse(Names.isModelName("a".repeat(129)));
        assertTrue(Names.isTenant("team-a@corp:prod"));
        assertFalse(Names.isTenant("a".repeat(65)));
        assertFalse(Names.isTenant(null));
    }
}
