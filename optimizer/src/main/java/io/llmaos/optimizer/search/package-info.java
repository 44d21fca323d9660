/** How a search picks its next configuration (grid, hill climbing) and what it may spend (budget). */
package io.llmaos.optimizer.search;
