package io.jtrace.bench.overhead;

/** What kind of file a configuration records, which decides how the suite counts its events. */
enum Recording {
    /** No recording file. */
    NONE,
    /** A jtrace trace: events and bytes from TraceStats. */
    JTRACE,
    /** A JFR recording (JFR itself or async-profiler's JFR output): events from RecordingFile. */
    JFR
}
