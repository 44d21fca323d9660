/** The command line: {@code llmaos optimize MODEL}. */
package io.llmaos.optimizer.cli;
