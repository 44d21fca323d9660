/**
 * The load generator, its statistics (HdrHistogram) and JSON reports, and the benchmark scenarios that compare the served path against the engine in-process and against a bare gRPC echo.
 */
package io.llmaos.loadtest;
