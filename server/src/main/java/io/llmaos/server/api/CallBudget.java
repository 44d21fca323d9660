package io.llmaos.server.api;

import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** How long a call may wait for the server: the earlier of its gRPC deadline and its own timeout. */
final class CallBudget {
    /** The wait when a call sets neither a deadline nor a timeout. */
    static final Duration DEFAULT = Duration.ofSeconds(60);

    private CallBudget() {
    }

    static Duration of(Duration requestTimeout) {
        Duration budget = requestTimeout != null && !requestTimeout.isZero() && !requestTimeout.isNegative()
                ? requestTimeout : DEFAULT;
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            Duration remaining = Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
            budget = remaining.compareTo(budget) < 0 ? remaining : budget;
        }
        return budget;
    }

    static Duration of(com.google.protobuf.Duration timeout) {
        return of(timeout.getSeconds() == 0 && timeout.getNanos() == 0 ? null
                : Duration.ofSeconds(timeout.getSeconds(), timeout.getNanos()));
    }
}
