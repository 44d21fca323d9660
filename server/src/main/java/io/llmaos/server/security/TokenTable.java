package io.llmaos.server.security;

import io.llmaos.server.core.request.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The tokens the server accepts, as read from an auth-tokens file: one per line,
 * {@code sha256-hex-of-token tenant role[,role]}, {@code #} starting a comment. Only hashes are
 * kept; a presented token is hashed and compared with every entry in constant time, so neither
 * the table nor the timing of a refusal tells anything about a valid token.
 */
public final class TokenTable {
    private record Entry(byte[] hash, Identity identity) {}

    private final List<Entry> entries;

    private TokenTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses the lines of a token file; throws {@link IllegalArgumentException} naming every bad
     * line (by number: a line's text may hold a hash, which is not repeated).
     */
    public static TokenTable parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            try {
                entries.add(entry(content, i + 1));
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new TokenTable(entries);
    }

    private static Entry entry(String content, int line) {
        String[] fields = content.split("\\s+");
        if (fields.length != 3) {
            throw new IllegalArgumentException(
                    "expected 3 fields (sha256-hex-of-token tenant role[,role]), found " + fields.length);
        }
        if (fields[0].length() != 64 || !isHex(fields[0])) {
            throw new IllegalArgumentException("the first field must be 64 hex digits (the token's SHA-256)");
        }
        if (!Names.isTenant(fields[1])) {
            throw new IllegalArgumentException(Names.TENANT_RULE);
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String role : fields[2].split(",")) {
            roles.add(Role.parse(role));
        }
        return new Entry(
                HexFormat.of().parseHex(fields[0]),
                new Identity(fields[1], roles, "token (auth-tokens line " + line + ")"));
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The identity of {@code token}, or empty when no entry has its hash. */
    public Optional<Identity> identify(String token) {
        byte[] presented = sha256(token);
        Identity found = null;
        for (Entry e : entries) {
            // every entry is compared, whatever matched before: the time taken does not depend on which
            if (MessageDigest.isEqual(e.hash, presented) && found == null) {
                found = e.identity;
            }
        }
        return Optional.ofNullable(found);
    }

    /** How many tokens the table holds. */
    public int size() {
        return entries.size();
    }

    /** The SHA-256 of {@code token} in hex, as the token file holds it. */
    public static String hashOf(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
