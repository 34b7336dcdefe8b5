package io.jtrace.recorder;

import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;

import java.util.List;

/**
 * Captures the current stack with both the {@code slow} and the {@code fast} tier at the same
 * point, so the two can be compared frame by frame. The probe's own frames (and the tiers') are
 * hidden from both, so the first frame of either stack is the call site of {@link #capture}.
 */
final class TierProbe {
    /** Deep enough for every scenario stack, also under JUnit and surefire. */
    static final int DEFAULT_DEPTH = 512;

    /** What both tiers leave out at the top: the probe itself and the tiers' capture methods. */
    static final Class<?>[] HIDDEN = {TierProbe.class, SlowStacks.class, FastStacks.class};

    private static final SlowStacks SLOW = new SlowStacks(DEFAULT_DEPTH, HIDDEN);
    private static final FastStacks FAST = FastStacks.create(DEFAULT_DEPTH, HIDDEN);

    /**
     * The {@code fp} tier in cross-check mode where this JVM can run it (with
     * {@code -XX:+PreserveFramePointer}), else null: every probe also captures with it, twice
     * from one call site (a miss, then a hit compared against the {@code fast} stack).
     */
    static final FpStacks FP = FpStacks.availability(DEFAULT_DEPTH) == null
            ? FpStacks.create(DEFAULT_DEPTH, new Class<?>[] {TierProbe.class, SlowStacks.class, FastStacks.class,
                    FpStacks.class}, true)
            : null;

    /** Why {@link #FP} is null, or null. */
    static final String FP_UNAVAILABLE = FpStacks.availability(DEFAULT_DEPTH);

    /** Both captures by the fp tier, from one call site. */
    private static void fp() {
        if (FP != null) {
            for (int i = 0; i < 2; i++) {
                FP.capture();
            }
        }
    }

    private TierProbe() {}

    /** Both tiers' view of one stack, each symbolized from its own one-stack table. */
    record Result(StackTrace slow, StackTrace fast) {
        List<StackFrame> slowFrames() {
            return slow.frames();
        }

        List<StackFrame> fastFrames() {
            return fast.frames();
        }

        boolean matches() {
            return slow.frames().equals(fast.frames()) && slow.truncated() == fast.truncated();
        }

        /** Where the two disagree, for a failure message; empty if they agree. */
        String difference() {
            if (matches()) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            sb.append("slow truncated=").append(slow.truncated()).append(" frames=").append(slow.frames().size())
                    .append(", fast truncated=").append(fast.truncated()).append(" frames=")
                    .append(fast.frames().size()).append('\n');
            int n = Math.max(slow.frames().size(), fast.frames().size());
            int shown = 0;
            for (int i = 0; i < n; i++) {
                StackFrame s = i < slow.frames().size() ? slow.frames().get(i) : null;
                StackFrame f = i < fast.frames().size() ? fast.frames().get(i) : null;
                if ((s == null || !s.equals(f)) && ++shown > 10) {
                    sb.append("  ...\n");
                    break;
                }
                if (s == null || !s.equals(f)) {
                    sb.append("  #").append(i).append(" slow: ").append(describe(s)).append('\n');
                    sb.append("  #").append(i).append(" fast: ").append(describe(f)).append('\n');
                }
            }
            return sb.toString();
        }
    }

    /** The full frame record, every field, for messages. */
    static String describe(StackFrame f) {
        return f == null ? "(none)" : f.className() + "." + f.methodName() + f.descriptor() + " file=" + f.fileName()
                + " line=" + f.line() + " bci=" + f.bci() + " kind=" + f.kind();
    }

    /** Raw captures of one stack by both tiers, not yet symbolized. */
    record Raw(SlowStacks slowTier, CapturedStack slow, FastStacks fastTier, Throwable fast) {
        /** Interns each capture into a fresh table of its tier and symbolizes it. */
        Result symbolize() {
            return new Result(only(slowTier.newTable(), slow), only(fastTier.newTable(), fast));
        }
    }

    private static StackTrace only(StackTable table, Object captured) {
        long id = table.id(captured);
        if (id == 0) {
            throw new AssertionError("no id for " + captured);
        }
        List<StackTrace> traces = table.symbolize();
        if (traces.size() != 1 || traces.get(0).id() != id) {
            throw new AssertionError("table of one stack symbolized to " + traces);
        }
        return traces.get(0);
    }

    /** Both tiers' stacks of the caller, at most {@link #DEFAULT_DEPTH} frames. */
    static Result capture() {
        fp();
        return new Raw(SLOW, SLOW.capture(), FAST, FAST.capture()).symbolize();
    }

    /** Both tiers' stacks of the caller, at most {@code maxDepth} frames. */
    static Result capture(int maxDepth) {
        fp();
        SlowStacks slow = new SlowStacks(maxDepth, HIDDEN);
        FastStacks fast = FastStacks.create(maxDepth, HIDDEN);
        return new Raw(slow, slow.capture(), fast, fast.capture()).symbolize();
    }

    /** Both tiers' raw captures of the caller's stack, to be symbolized later. */
    static Raw captureRaw() {
        fp();
        return new Raw(SLOW, SLOW.capture(), FAST, FAST.capture());
    }

    /**
     * Both tiers' raw captures of the caller's stack, at most {@code maxDepth} frames (slow applies
     * the limit when it captures, fast when its table interns: use a table of a tier of the same
     * depth, {@link Raw#fastTier()}).
     */
    static Raw captureRaw(int maxDepth) {
        fp();
        SlowStacks slow = new SlowStacks(maxDepth, HIDDEN);
        FastStacks fast = FastStacks.create(maxDepth, HIDDEN);
        return new Raw(slow, slow.capture(), fast, fast.capture());
    }
}
