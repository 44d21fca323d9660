package io.llmaos.optimizer.trial;

import io.llmaos.client.LlmaosClient;
import java.util.List;

/** The server a search runs against: one already running, or one the optimizer started and may restart. */
public interface ServerTarget extends AutoCloseable {
    /** The client to it now (a restart makes a new one). */
    LlmaosClient client();

    /** Whether the optimizer started it (and so may restart it with other server flags). */
    boolean owned();

    /**
     * Makes sure the server runs with {@code flags} (server knobs such as {@code --pytorch-interop-threads}),
     * restarting it where they differ from the last ones; a server not owned accepts only none.
     */
    void ensureFlags(List<String> flags) throws Exception;

    /** Whether it is up and serving. */
    boolean alive();

    /**
     * After a crash: brings it back (restarted with its last flags, or waited for when not owned);
     * false when it does not come back.
     */
    boolean recover() throws Exception;

    /** Where the repository it serves lies, when the optimizer knows (null when not). */
    java.nio.file.Path repository();

    @Override
    void close() throws Exception;
}
