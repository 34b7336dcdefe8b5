package io.jtrace.analysis.timeline;

/**
 * What a {@link Timeline} read knows of a thread so far, for listeners that name threads as the
 * read goes ({@link TimelineListener#started}): its latest name and kind, and its entry method
 * once it recorded a stack. Threads of the tracer's own are described too.
 */
public interface ThreadDirectory {
    /** The thread's description now; its name is null while no thread table named it, its entry null while unknown. */
    ThreadDescription describe(long thread);
}
