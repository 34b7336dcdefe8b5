package io.jtrace.agent.instrument;

import java.util.List;

/**
 * One method of a JDK class that calls a hook: on entry, on every exit (normal or by an
 * exception), or both; or, with {@code around}, before and after each call it makes to certain
 * methods (so that the hooks run only where the method can block, not on every call of it). The
 * table of all of them is {@link HookPoints}; the injector and the start-up check that every hook
 * point still exists in this JDK both read it.
 *
 * @param owner      internal name of the class, e.g. {@code java/util/concurrent/locks/LockSupport}
 * @param method     method name
 * @param descriptor method descriptor
 * @param onEntry    hook called first thing, or null
 * @param onExit     hook called before every return and before an exception leaves, or null
 * @param family     the event family (agent option {@code events}) the hook point belongs to
 * @param around     null: the hooks wrap the whole method; else the calls whose wrapping they are
 */
public record HookPoint(String owner, String method, String descriptor, Call onEntry, Call onExit, String family,
                        Around around) {

    /** A hook point around the whole method. */
    public HookPoint(String owner, String method, String descriptor, Call onEntry, Call onExit, String family) {
        this(owner, method, descriptor, onEntry, onExit, family, null);
    }

    /**
     * The calls inside the hooked method that the hooks wrap: those to a method of {@code owner}
     * (internal name; a class or an interface) whose name starts with {@code namePrefix}.
     */
    public record Around(String owner, String namePrefix) {}

    /** What the hook receives: the hooked method's {@code this}, its first argument, null, or a field of {@code this}. */
    public sealed interface Arg permits This, Param, Null, IntField, RefField {}

    public record This() implements Arg {}

    public record Param(int slot) implements Arg {}

    public record Null() implements Arg {}

    public record IntField(String name) implements Arg {}

    /** A reference field of {@code this}, passed as Object; {@code descriptor} is the field's type. */
    public record RefField(String name, String descriptor) implements Arg {}

    /** A static call into {@code io.jtrace.agent.hooks.Hooks}. */
    public record Call(String hook, String descriptor, List<Arg> args) {}

    public static final Arg THIS = new This();
    public static final Arg FIRST = new Param(0);
    public static final Arg NULL = new Null();

    public static Call call(String hook, String descriptor, Arg... args) {
        return new Call(hook, descriptor, List.of(args));
    }
}
