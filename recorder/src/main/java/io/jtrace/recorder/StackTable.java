package io.jtrace.recorder;

import io.jtrace.format.StackTrace;

import java.util.List;

/**
 * One generation's stacks, deduplicated: the hot path turns a captured stack into an id; the
 * background writer symbolizes every unique stack once when the generation closes.
 */
interface StackTable {
    /** The id of {@code captured} (what the tier's capture returned) in this generation; 0 for null. */
    long id(Object captured);

    /** Every unique stack of the generation, symbolized. */
    List<StackTrace> symbolize();

    /** Empties the table for reuse by a later generation. */
    void clear();
}
