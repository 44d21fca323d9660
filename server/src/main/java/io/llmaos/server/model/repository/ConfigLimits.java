package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.DynamicBatching;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.server.core.error.FieldViolation;
import java.util.List;

/**
 * Hard limits on the numbers a configuration (config.json, a LoadModel override or a scheduling
 * policy set live) may ask for, so no value can make the server create a million threads, allocate
 * a million queues or warm up forever. Unsigned proto fields are read as unsigned: 4e9 is 4e9, not a
 * negative number that slips past a check. Each breach is a field violation naming the field.
 */
public final class ConfigLimits {
    /** The most instances of one model (min and max). */
    public static final long MAX_INSTANCES = 64;
    /** The most engine threads of one instance. */
    public static final long MAX_THREADS_PER_INSTANCE = 64;
    /** The most priority levels of one queue. */
    public static final int MAX_LEVELS = 16;
    /** The largest bound of one level's queue. */
    public static final long MAX_QUEUE_SIZE = 1_000_000;
    /** The most preferred batch sizes. */
    public static final int MAX_PREFERRED_SIZES = 16;
    /** The longest dynamic batching delay: one minute. */
    public static final long MAX_QUEUE_DELAY_US = 60_000_000;
    /** The longest duration any setting of a configuration may have: one year. */
    public static final long MAX_DURATION_SECONDS = 366L * 24 * 3600;

    private ConfigLimits() {}

    /** An unsigned 32-bit proto field as the number it means. */
    public static long unsigned(int value) {
        return Integer.toUnsignedLong(value);
    }

    /** {@code value} (unsigned) at most {@code max}. */
    static void atMost(String field, int value, long max, List<FieldViolation> v) {
        if (unsigned(value) > max) {
            v.add(new FieldViolation(field, "is " + unsigned(value) + "; at most " + max + " is allowed"));
        }
    }

    /** A valid, non-negative duration of at most a year. */
    public static void duration(String field, com.google.protobuf.Duration d, List<FieldViolation> v) {
        if (d.getSeconds() < 0 || d.getNanos() < 0 || d.getNanos() > 999_999_999) {
            v.add(new FieldViolation(field, "must be a non-negative duration (nanos within 0..999999999)"));
        } else if (d.getSeconds() > MAX_DURATION_SECONDS) {
            v.add(new FieldViolation(field, "is longer than a year (" + MAX_DURATION_SECONDS + " s)"));
        }
    }

    /** Instances between 1 and {@value #MAX_INSTANCES}, threads per instance up to {@value #MAX_THREADS_PER_INSTANCE}. */
    public static void instances(String prefix, InstancePolicy p, List<FieldViolation> v) {
        atMost(prefix + ".min", p.getMin(), MAX_INSTANCES, v);
        atMost(prefix + ".max", p.getMax(), MAX_INSTANCES, v);
        atMost(prefix + ".threads_per_instance", p.getThreadsPerInstance(), MAX_THREADS_PER_INSTANCE, v);
        if (p.getMax() != 0 && unsigned(p.getMax()) < unsigned(p.getMin())) {
            v.add(new FieldViolation(prefix + ".max", "must be at least instances.min"));
        }
        if (p.hasScaleUpQueueDelay()) {
            duration(prefix + ".scale_up_queue_delay", p.getScaleUpQueueDelay(), v);
        }
        if (p.hasScaleUpAfter()) {
            duration(prefix + ".scale_up_after", p.getScaleUpAfter(), v);
        }
        if (p.hasScaleDownIdle()) {
            duration(prefix + ".scale_down_idle", p.getScaleDownIdle(), v);
        }
    }

    /** Up to {@value #MAX_LEVELS} levels numbered in order, bounded queues, sane timeouts. */
    public static void queue(String prefix, QueuePolicy q, List<FieldViolation> v) {
        List<PriorityLevel> levels = q.getLevelsList();
        if (levels.size() > MAX_LEVELS) {
            v.add(new FieldViolation(
                    prefix + ".levels", "has " + levels.size() + " levels; at most " + MAX_LEVELS + " are allowed"));
            return;
        }
        for (int i = 0; i < levels.size(); i++) {
            PriorityLevel l = levels.get(i);
            String at = prefix + ".levels[" + i + "]";
            if (unsigned(l.getLevel()) != i + 1) {
                v.add(new FieldViolation(
                        at + ".level", "levels are numbered 1.." + levels.size() + " in order, highest first"));
            }
            atMost(at + ".max_queue_size", l.getMaxQueueSize(), MAX_QUEUE_SIZE, v);
            if (l.hasDefaultTimeout()) {
                duration(at + ".default_timeout", l.getDefaultTimeout(), v);
            }
        }
        int count = Math.max(1, levels.size());
        if (unsigned(q.getDefaultPriority()) > count) {
            v.add(new FieldViolation(prefix + ".default_priority", "must be between 1 and " + count));
        }
        if (q.hasAgingInterval()) {
            duration(prefix + ".aging_interval", q.getAgingInterval(), v);
        }
    }

    /** Preferred sizes within 1..max_batch_size, at most {@value #MAX_PREFERRED_SIZES}; a delay of at most a minute. */
    public static void batching(String prefix, DynamicBatching b, long maxBatchSize, List<FieldViolation> v) {
        if (b.getPreferredBatchSizesCount() > MAX_PREFERRED_SIZES) {
            v.add(new FieldViolation(
                    prefix + ".preferred_batch_sizes",
                    "has " + b.getPreferredBatchSizesCount() + " entries; at most " + MAX_PREFERRED_SIZES
                            + " are allowed"));
        } else {
            for (int i = 0; i < b.getPreferredBatchSizesCount(); i++) {
                long size = unsigned(b.getPreferredBatchSizes(i));
                if (size < 1 || size > Math.max(1, maxBatchSize)) {
                    v.add(new FieldViolation(
                            prefix + ".preferred_batch_sizes[" + i + "]",
                            "must be between 1 and max_batch_size (" + maxBatchSize + ")"));
                }
            }
        }
        if (b.getMaxQueueDelayUs() < 0 || b.getMaxQueueDelayUs() > MAX_QUEUE_DELAY_US) {
            v.add(new FieldViolation(
                    prefix + ".max_queue_delay_us", "must be at most " + MAX_QUEUE_DELAY_US + " (one minute)"));
        }
    }
}
