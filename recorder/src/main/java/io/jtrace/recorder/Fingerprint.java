package io.jtrace.recorder;

/**
 * A stack the {@code fp} tier has fingerprinted: the frame-pointer hash and the {@code fast}
 * tier's capture of the same stack, taken when the hash was first seen. What {@link FpStacks#capture}
 * returns on a hit, with no walk by the VM.
 */
final class Fingerprint {
    final long hash;
    final Throwable stack;

    Fingerprint(long hash, Throwable stack) {
        this.hash = hash;
        this.stack = stack;
    }
}
