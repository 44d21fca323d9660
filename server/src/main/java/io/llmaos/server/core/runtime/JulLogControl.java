package io.llmaos.server.core.runtime;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log on java.util.logging, where the server's SLF4J loggers (through slf4j-jdk14) and gRPC's log:
 * one line per record on standard error, and the levels of {@link LogControl} applied to the root
 * logger and its handler. The JDK's logging is the one piece of global state it changes.
 */
public final class JulLogControl implements LogControl {
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter TRITON =
            DateTimeFormatter.ofPattern("MMdd HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());

    /** The loggers given levels here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.List<Logger> CONFIGURED = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The access log's logger (--access-log). */
    public static final String ACCESS_LOGGER = "llmaos.access";

    private volatile Levels levels;
    private final Handler handler;

    private JulLogControl(Levels initial) {
        this.handler = new ConsoleHandler();
        handler.setFormatter(new LineFormatter());
        handler.setFilter(r -> allowed(r.getLevel()));
        set(initial);
    }

    /**
     * Sends the root logger to one line per record on standard error, at INFO ({@code verbose} 1 adds
     * DEBUG, 2 TRACE), with the libraries' chatty loggers quietened.
     */
    public static JulLogControl install(int verbose) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        JulLogControl control =
                new JulLogControl(new Levels(true, true, true, Math.max(0, verbose), Levels.DEFAULT.format()));
        root.addHandler(control.handler);
        // gRPC's own debug lines stay out of a DEBUG log, as its transport's chatter out of any
        level("io.grpc", Level.INFO);
        level("io.grpc.netty", Level.WARNING);
        // DJL probes for CUDA and reports its absence on CPU-only machines; that is not a problem here
        level("ai.djl.util.cuda.CudaUtils", Level.SEVERE);
        level("ai.djl.onnxruntime.engine.OrtEngine", Level.SEVERE);
        // the access log: its JSON lines alone on standard output, written by their own thread
        Logger access = Logger.getLogger(ACCESS_LOGGER);
        access.setUseParentHandlers(false);
        access.setLevel(Level.INFO); // --access-log alone turns it on or off, not the log's levels
        access.addHandler(new AsyncLineHandler(System.out, "llmaos-access-log"));
        CONFIGURED.add(access);
        return control;
    }

    private static void level(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        CONFIGURED.add(logger);
    }

    /** A control that keeps its settings but installs nothing (a server embedded in another process). */
    public static LogControl detached() {
        return new LogControl() {
            private volatile Levels levels = Levels.DEFAULT;

            @Override
            public Levels get() {
                return levels;
            }

            @Override
            public void set(Levels l) {
                levels = l;
            }
        };
    }

    @Override
    public Levels get() {
        return levels;
    }

    @Override
    public void set(Levels l) {
        levels = l;
        Level lowest = l.verbose() >= 2
                ? Level.FINEST
                : l.verbose() == 1 ? Level.FINE : l.info() ? Level.INFO : l.warning() ? Level.WARNING : Level.SEVERE;
        Logger.getLogger("").setLevel(lowest);
        handler.setLevel(lowest);
    }

    private boolean allowed(Level level) {
        Levels l = levels;
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return l.error();
        }
        if (v >= Level.WARNING.intValue()) {
            return l.warning();
        }
        if (v >= Level.INFO.intValue()) {
            return l.info();
        }
        return v >= Level.FINE.intValue() ? l.verbose() >= 1 : l.verbose() >= 2;
    }

    /** One line: time, level, the logger's simple name, the message (and a stack trace when given). */
    private final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            String name = r.getLoggerName() == null ? "" : r.getLoggerName();
            String shortName = name.substring(name.lastIndexOf('.') + 1);
            Instant at = r.getInstant();
            StringBuilder b = new StringBuilder(128);
            if ("default".equals(levels.format())) {
                b.append(severity(r.getLevel()).charAt(0))
                        .append(TRITON.format(at))
                        .append(' ');
            } else {
                b.append(ISO.format(at))
                        .append(" [")
                        .append(severity(r.getLevel()))
                        .append("] ");
            }
            b.append(shortName).append(" - ").append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                var trace = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                b.append(trace);
            }
            return b.toString();
        }

        private static String severity(Level level) {
            int v = level.intValue();
            return v >= Level.SEVERE.intValue()
                    ? "ERROR"
                    : v >= Level.WARNING.intValue()
                            ? "WARN"
                            : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }
    }
}
