package io.llmaos.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful shutdown request that the main thread waits for, so the
 * process drains and then exits with status 0 (a JVM killed by a signal exits 143 or 130). A
 * second signal asks for an immediate stop.
 */
final class ShutdownSignals {
    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final Runnable onRepeat;

    ShutdownSignals(Runnable onRepeat) {
        this.onRepeat = onRepeat;
    }

    /** Installs the handlers for TERM and INT. */
    void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), this::handle);
        }
    }

    /** Blocks until a shutdown is requested. */
    void await() throws InterruptedException {
        requested.await();
    }

    private void handle(Signal signal) {
        if (received.incrementAndGet() == 1) {
            log.info("SIG{} received: draining (send it again to stop at once)", signal.getName());
            requested.countDown();
        } else {
            log.warn("SIG{} received again: stopping at once", signal.getName());
            onRepeat.run();
        }
    }
}
