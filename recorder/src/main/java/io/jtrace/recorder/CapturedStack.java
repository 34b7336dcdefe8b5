package io.jtrace.recorder;

import io.jtrace.format.StackFrame;

import java.util.List;

/** A stack as captured, innermost frame first: the key of the per-generation stack table. */
record CapturedStack(List<StackFrame> frames, boolean truncated) {}
