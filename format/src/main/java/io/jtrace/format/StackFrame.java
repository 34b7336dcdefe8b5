package io.jtrace.format;

/**
 * One symbolized frame. {@code line} and {@code bci} are -1 where unknown; {@code kind} is one of
 * the {@code Wire.FRAME_*} constants.
 */
public record StackFrame(String className, String methodName, String descriptor, String fileName,
                         int line, int bci, int kind) {

    /** "pkg.Class.method(File.java:42)", the way a Java stack trace prints a frame. */
    @Override
    public String toString() {
        boolean noFile = fileName == null || fileName.isEmpty();
        String where = noFile ? (line >= 0 ? "line " + line : "Unknown Source")
                : line >= 0 ? fileName + ":" + line : fileName;
        return className + "." + methodName + "(" + where + ")";
    }
}
