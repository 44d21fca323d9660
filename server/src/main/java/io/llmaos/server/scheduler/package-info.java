/**
 * The scheduling layer: which request runs when and where. The {@link
 * io.llmaos.server.scheduler.Dispatcher} routes each request to the {@link
 * io.llmaos.server.scheduler.VersionScheduler} of the served copy it resolved to, in one of two
 * shapes: {@link io.llmaos.server.scheduler.BatchingScheduler} (tensor requests: dynamic batching on
 * a pool of instance workers that scales) and {@link
 * io.llmaos.server.scheduler.ContinuousBatchingScheduler} (token sequences: one decode loop per
 * instance steps all of its sequences together). Both admit through one {@link
 * io.llmaos.server.scheduler.Admission} (priority levels, tenant quotas, deadlines, retry hints)
 * into one {@link io.llmaos.server.scheduler.PriorityRequestQueue} (levels, tenant weights, aging,
 * timeouts); workers see only a narrow source of work ({@code BatchSource}, {@code SequenceSource}).
 */
package io.llmaos.server.scheduler;
