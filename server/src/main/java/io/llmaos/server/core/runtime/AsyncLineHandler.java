package io.llmaos.server.core.runtime;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Writes each record's message as one line to a stream from its own thread, so the threads that log
 * (request threads, for the access log) never wait for the stream or for each other: lines queue
 * without a lock (at most {@value #CAPACITY}; beyond that they are dropped, and a line
 * {@code {"dropped_lines":N}} says how many). The writer parks while there is nothing to write; woken
 * by a line, it lets the lines of the next {@value #LINGER_MS} ms gather and writes them as UTF-8 with
 * one flush, so that under load the stream costs one wake-up and one write per interval, not per line.
 */
final class AsyncLineHandler extends Handler {
    static final int CAPACITY = 65_536;
    /** How long the writer lets lines gather once one came. */
    static final long LINGER_MS = 20;

    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final OutputStream out;
    private final Thread writer;
    /** Whether the writer is parked (or about to park) waiting for a line. */
    private volatile boolean idle;

    private volatile boolean closed;

    AsyncLineHandler(OutputStream stream, String threadName) {
        this.out = new BufferedOutputStream(stream, 1 << 16);
        this.writer = new Thread(this::write, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record) || closed) {
            return;
        }
        if (queued.incrementAndGet() > CAPACITY) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(record.getMessage());
        if (idle) {
            idle = false;
            LockSupport.unpark(writer);
        }
    }

    private void write() {
        try {
            while (!closed) {
                if (queue.isEmpty()) {
                    idle = true;
                    // a line offered after this check finds idle set and unparks: no wake-up is lost
                    if (queue.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    idle = false;
                    continue;
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(LINGER_MS));
                writeAll();
            }
            writeAll(); // closed: what was queued is still written
        } catch (IOException e) {
            // the stream is gone: nothing more can be written
        }
    }

    /** Writes whatever is queued, then flushes. */
    private void writeAll() throws IOException {
        for (String line = queue.poll(); line != null; line = queue.poll()) {
            queued.decrementAndGet();
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            // the stream says what it lost, in the same form as its lines
            out.write(("{\"dropped_lines\":" + lost + "}\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    @Override
    public void flush() {
        // the writer flushes after each batch it writes
    }

    /** Stops the writer once it wrote what was queued (waiting a second at most). */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
