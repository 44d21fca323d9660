package io.llmaos.server.api;

import java.time.Duration;

/**
 * How a graceful shutdown went.
 *
 * @param completedInGrace whether every in-flight call finished within the grace period
 * @param abandonedCalls   work calls still running when the grace period ended (they were cancelled)
 * @param took             how long the drain took
 */
public record DrainReport(boolean completedInGrace, int abandonedCalls, Duration took) {}
