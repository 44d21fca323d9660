/**
 * The {@code llmaos} command line (picocli) over the SDK: health, models, infer, generate, stats,
 * resources and a live {@code top} view. Human tables by default, {@code --json} for scripts, and
 * an exit code per kind of failure ({@link io.llmaos.client.cli.ExitCodes}).
 */
package io.llmaos.client.cli;
