package io.jtrace.analysis.timeline;

/**
 * What a read learned about a thread: its latest name and kind from the generations' thread
 * tables, and its entry method.
 *
 * @param entry the outermost frame outside the JDK (java.*, jdk.*, sun.*, com.sun.*) of the first
 *              stack the thread itself recorded, as "class.method"; null if it recorded none
 */
public record ThreadDescription(long threadId, String name, boolean virtual, String entry) {}
