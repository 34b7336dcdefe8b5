package io.jtrace.format;

/** An entry of a generation's thread table. */
public record ThreadInfo(long threadId, String name, boolean virtual, boolean daemon, boolean ended) {}
