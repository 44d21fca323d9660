package io.llmaos.server.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The access log's writer: every line, in order, one per record; close() writes what was still queued. */
class AsyncLineHandlerTest {
    @Test
    void everyLineIsWrittenInOrderAndCloseWritesTheRest() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AsyncLineHandler handler = new AsyncLineHandler(sink, "test-lines");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String line = "{\"n\":" + i + "}";
            expected.add(line);
            handler.publish(new LogRecord(Level.INFO, line));
            if (i == 2500) {
                Thread.sleep(AsyncLineHandler.LINGER_MS * 2); // one batch is written meanwhile
            }
        }
        handler.close();
        String written;
        synchronized (sink) {
            written = sink.toString(StandardCharsets.UTF_8);
        }
        assertEquals(expected, written.lines().toList());
    }
}
