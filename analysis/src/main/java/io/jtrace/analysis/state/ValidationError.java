package io.jtrace.analysis.state;

import io.jtrace.format.EventType;

/** An impossible transition: which thread, when, which event, and what was wrong. */
public record ValidationError(long thread, long time, EventType event, String message) {
    @Override
    public String toString() {
        return String.format("%.6f ms T%d %s: %s", time / 1e6, thread, event, message);
    }
}
