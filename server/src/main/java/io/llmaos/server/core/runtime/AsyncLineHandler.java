package io.llmaos.server.core.runtime;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Writes each record's message as one line to a stream from its own thread, so the threads that log
 * (request threads, for the access log) never wait for the stream: lines queue (at most
 * {@value #CAPACITY}; beyond that they are dropped, and a line {@code {"dropped_lines":N}} says how many), the writer takes them in batches and
 * flushes once the queue is empty. The writer blocks while there is nothing to write.
 */
final class AsyncLineHandler extends Handler {
    static final int CAPACITY = 65_536;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final BufferedWriter out;
    private final Thread writer;

    AsyncLineHandler(OutputStream stream, String threadName) {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.writer = new Thread(this::write, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record) || !queue.offer(record.getMessage())) {
            dropped.incrementAndGet();
        }
    }

    private void write() {
        List<String> batch = new ArrayList<>(1024);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, 4095);
                for (String line : batch) {
                    out.write(line);
                    out.newLine();
                }
                batch.clear();
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    // the stream says what it lost, in the same form as its lines
                    out.write("{\"dropped_lines\":" + lost + "}");
                    out.newLine();
                }
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the stream is gone: nothing more can be written
        }
    }

    @Override
    public void flush() {
        // the writer flushes whenever it has written all that was queued
    }

    @Override
    public void close() {
        writer.interrupt();
    }
}
