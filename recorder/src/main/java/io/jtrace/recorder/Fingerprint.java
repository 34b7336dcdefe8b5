package io.jtrace.recorder;

/**
 * A stack the {@code fp} tier has fingerprinted: the frame-pointer hash and the {@code fast}
 * tier's capture of the same stack, taken when the hash was first seen. What {@link FpStacks#capture}
 * returns on a hit, with no walk by the VM.
 */
final class Fingerprint {
    final long hash;
    final Throwable stack;
    /**
     * The key of the stack's frames themselves ({@link Backtraces#contentKey}): what a virtual
     * thread's frozen frames are keyed by after a yield ({@link FrozenFrames}), so that a thread
     * that parks at one place over and over finds one key, not a new one per park.
     */
    final long stackKey;

    Fingerprint(long hash, Throwable stack) {
        this.hash = hash;
        this.stack = stack;
        this.stackKey = Backtraces.contentKey(stack);
    }
}
