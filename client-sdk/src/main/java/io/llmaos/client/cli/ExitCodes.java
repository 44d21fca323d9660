package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClientException;

/**
 * What the command line exits with: 0 done, 1 another server error, 2 bad usage, 3 invalid
 * argument, 4 not found, 5 unavailable (server or model not ready, or unreachable), 6 resource
 * exhausted, 7 deadline exceeded, 8 unauthenticated (no or unknown token), 9 permission denied
 * (the token's role does not allow it), 130 cancelled (Ctrl-C).
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private ExitCodes() {}

    static int of(LlmaosClientException e) {
        return switch (e.code()) {
            case INVALID_ARGUMENT -> 3;
            case NOT_FOUND -> 4;
            case UNAVAILABLE -> 5;
            case RESOURCE_EXHAUSTED -> 6;
            case DEADLINE_EXCEEDED -> 7;
            case UNAUTHENTICATED -> 8;
            case PERMISSION_DENIED -> 9;
            case CANCELLED -> 130;
            default -> FAILED;
        };
    }
}
