/** {@code llmaos loadtest}: the load-test engine ({@code io.llmaos.loadtest.tool}) on the command line. */
package io.llmaos.loadtest.cli;
