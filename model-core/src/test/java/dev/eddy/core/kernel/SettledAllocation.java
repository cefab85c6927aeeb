package dev.eddy.core.kernel;

import java.lang.management.ManagementFactory;

/**
 * What a piece of code allocates once the JIT has compiled it: rounds of calls until one allocates under a bound per
 * call, for at most a minute. Code that is allocation-free when compiled gets there after its warm-up; code that keeps
 * allocating (the Vector API when C2 does not intrinsify it) does not, and the last round's figure is returned.
 */
public final class SettledAllocation {

    private static final long DEADLINE_NANOS = 60_000_000_000L;

    private SettledAllocation() {}

    /** Bytes the current thread allocated per call in the last round of {@code callsPerRound} calls of {@code call}. */
    public static long bytesPerCall(int callsPerRound, long bound, Runnable call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        long perCall;
        do {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < callsPerRound; i++) {
                call.run();
            }
            perCall = (threads.getCurrentThreadAllocatedBytes() - before) / callsPerRound;
        } while (perCall >= bound && System.nanoTime() < deadline);
        return perCall;
    }
}
