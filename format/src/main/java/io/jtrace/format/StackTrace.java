package io.jtrace.format;

import java.util.List;

/** A stack from a generation's stack table, innermost frame first. */
public record StackTrace(long id, List<StackFrame> frames, boolean truncated) {}
