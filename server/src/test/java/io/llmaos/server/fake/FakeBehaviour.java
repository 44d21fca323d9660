package io.llmaos.server.fake;

/** What a {@link FakeEngine} does; tests change it at any time (the engine reads it at each call). */
public final class FakeBehaviour {
    /** How long a load takes, and how long each new instance takes. */
    public volatile long loadDelayMillis;

    public volatile long instanceDelayMillis;
    /** How long each tensor batch, and each decode step or prefill, takes. */
    public volatile long executeDelayMillis;

    public volatile long stepDelayMillis;
    /** Non-null: loads fail with this message (ENGINE_FAILURE). */
    public volatile String loadFailure;
    /** Memory each loaded model holds (a Java array, so the process really grows). */
    public volatile long memoryBytes;
}
