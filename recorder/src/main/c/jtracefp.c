/*
 * jtrace's frame-pointer stack fingerprints (the `fp` stack tier, docs/performance.md).
 *
 * Called from Java through a critical FFM downcall (no thread-state transition), jtfp_walk
 * follows the saved frame-pointer chain of the current thread from its own frame up through the
 * downcall stub and the Java frames, and folds into one 64-bit hash what identifies each frame:
 * the return address into it, plus Method* and bytecode pointer for frames of the template
 * interpreter, whose few shared return addresses say nothing about the method. Needs a JVM with
 * -XX:+PreserveFramePointer (checked in Java), else compiled frames don't keep the chain.
 *
 * The VM's addresses come from the structure tables HotSpot exports for debuggers
 * (gHotSpotVMStructs): the interpreter's code range, the return address into a virtual thread's
 * continuation entry, the heap's collection counters (folded into every hash: code and metadata
 * addresses are only freed and reused in a collection, so a fingerprint never outlives one).
 *
 * No allocation, no locks, no system calls after a thread's first walk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
/* frame_x86.hpp: interpreter_frame_method_offset, interpreter_frame_bcp_offset (words from fp) */
#define METHOD_SLOT 3
#define BCP_SLOT 8
#elif defined(__aarch64__)
/* frame_aarch64.hpp: the frame keeps its extended sp, mirror and cache between method and bcp */
#define METHOD_SLOT 3
#define BCP_SLOT 9
#else
#error "jtracefp supports x86_64 and aarch64"
#endif

#define MAX_BOUNDARIES 4

static uintptr_t interp_begin;
static uintptr_t interp_size;
static uintptr_t boundaries[MAX_BOUNDARIES];
static int boundary_count;
/* StubRoutines::_cont_returnBarrier, learned by the Java side's self-test (not exported before JDK 27) */
static uintptr_t return_barrier;
static uintptr_t *collected_heap;     /* &Universe::_collectedHeap */
static uintptr_t total_collections;   /* offset of CollectedHeap::_total_collections */

/*
 * initial-exec: read at a fixed offset from the thread pointer, not through __tls_get_addr (a
 * call per walk in the default model of a shared library). glibc keeps a little static TLS
 * for libraries loaded later; if it had none left, loading fails and the fp tier says so.
 */
static __thread uintptr_t stack_end __attribute__((tls_model("initial-exec")));
/* StubRoutines::_call_stub_return_address: where a Java frame called from the VM returns to; 0 if unknown */
static uintptr_t call_stub_return;
/*
 * For a thread the JVM started (Thread.start): the frame address of its outermost Java frame,
 * the one the VM's call stub called. It stays on the stack for the thread's life, and below it
 * are only the VM's and the C library's frames, the same at every walk: walks stop there.
 */
static __thread uintptr_t outer_java_fp __attribute__((tls_model("initial-exec")));

typedef struct {
    char *base;
    uint64_t type_name, field_name, is_static, offset, address, stride;
} vm_structs;

static void *symbol(const char *name) {
    void *p = dlsym(RTLD_DEFAULT, name);
    if (p == NULL) {
        void *jvm = dlopen("libjvm.so", RTLD_LAZY | RTLD_NOLOAD);
        if (jvm != NULL) {
            p = dlsym(jvm, name);
        }
    }
    return p;
}

static int load_structs(vm_structs *s) {
    const char *names[] = {"gHotSpotVMStructEntryTypeNameOffset", "gHotSpotVMStructEntryFieldNameOffset",
                           "gHotSpotVMStructEntryIsStaticOffset", "gHotSpotVMStructEntryOffsetOffset",
                           "gHotSpotVMStructEntryAddressOffset", "gHotSpotVMStructEntryArrayStride"};
    uint64_t *values[] = {&s->type_name, &s->field_name, &s->is_static, &s->offset, &s->address, &s->stride};
    char **base = symbol("gHotSpotVMStructs");
    if (base == NULL || *base == NULL) {
        return 0;
    }
    s->base = *base;
    for (int i = 0; i < 6; i++) {
        uint64_t *v = symbol(names[i]);
        if (v == NULL) {
            return 0;
        }
        *values[i] = *v;
    }
    return 1;
}

/* The entry type::field of the VM's structure table, or NULL. */
static char *entry(const vm_structs *s, const char *type, const char *field) {
    for (char *e = s->base; *(char **) (e + s->type_name) != NULL; e += s->stride) {
        const char *f = *(char **) (e + s->field_name);
        if (f != NULL && strcmp(*(char **) (e + s->type_name), type) == 0 && strcmp(f, field) == 0) {
            return e;
        }
    }
    return NULL;
}

static int static_address(const vm_structs *s, const char *type, const char *field, void **out) {
    char *e = entry(s, type, field);
    if (e == NULL || !*(int32_t *) (e + s->is_static)) {
        return 0;
    }
    *out = *(void **) (e + s->address);
    return *out != NULL;
}

static int field_offset(const vm_structs *s, const char *type, const char *field, uintptr_t *out) {
    char *e = entry(s, type, field);
    if (e == NULL || *(int32_t *) (e + s->is_static)) {
        return 0;
    }
    *out = (uintptr_t) *(uint64_t *) (e + s->offset);
    return 1;
}

/*
 * Reads the VM's tables. 0 on success; otherwise which step failed: 1 no structure tables,
 * 2 no interpreter code, 3 no continuation entry, 4 no heap counters.
 */
int32_t jtfp_init(void) {
    vm_structs s;
    if (!load_structs(&s)) {
        return 1;
    }
    void *code_field;
    uintptr_t buffer_off, limit_off;
    if (!static_address(&s, "AbstractInterpreter", "_code", &code_field)
            || !field_offset(&s, "StubQueue", "_stub_buffer", &buffer_off)
            || !field_offset(&s, "StubQueue", "_buffer_limit", &limit_off)) {
        return 2;
    }
    char *queue = *(char **) code_field;
    if (queue == NULL) {
        return 2;
    }
    interp_begin = *(uintptr_t *) (queue + buffer_off);
    interp_size = (uintptr_t) *(int32_t *) (queue + limit_off);
    void *return_pc_field;
    if (!static_address(&s, "ContinuationEntry", "_return_pc", &return_pc_field)
            || *(uintptr_t *) return_pc_field == 0) {
        return 3;
    }
    boundaries[0] = *(uintptr_t *) return_pc_field;
    boundary_count = 1;
    void *heap_field;
    if (!static_address(&s, "Universe", "_collectedHeap", &heap_field)
            || !field_offset(&s, "CollectedHeap", "_total_collections", &total_collections)) {
        return 4;
    }
    collected_heap = heap_field;
    void *call_stub_field;
    if (static_address(&s, "StubRoutines", "_call_stub_return_address", &call_stub_field)) {
        call_stub_return = *(uintptr_t *) call_stub_field; /* else every walk goes to the stack's end */
    }
    return 0;
}

/* The return address into a virtual thread's continuation entry from compiled code. */
uint64_t jtfp_continuation_return_pc(void) {
    return boundaries[0];
}

/* Another return address that ends a virtual thread's frames (learned by the Java side's self-test). */
void jtfp_add_boundary(uint64_t pc) {
    for (int i = 0; i < boundary_count; i++) {
        if (boundaries[i] == pc) {
            return;
        }
    }
    if (boundary_count < MAX_BOUNDARIES) {
        boundaries[boundary_count] = (uintptr_t) pc;
        __atomic_store_n(&boundary_count, boundary_count + 1, __ATOMIC_RELEASE);
    }
}

/*
 * The return address the VM gives the lowest frame it copied back onto the carrier after a
 * virtual thread's yield, when it left the frames below in the heap (the return barrier).
 */
void jtfp_set_return_barrier(uint64_t pc) {
    __atomic_store_n(&return_barrier, (uintptr_t) pc, __ATOMIC_RELEASE);
}

/* The highest address of the current thread's stack; 0 if unknown. Once per thread. */
static uintptr_t find_stack_end(void) {
    pthread_attr_t attr;
    void *addr;
    size_t size;
    uintptr_t end = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            end = (uintptr_t) addr + size;
        }
        pthread_attr_destroy(&attr);
    }
    return end;
}

/*
 * One word into the hash: a bijection of h for each v, so two stacks that differ in one word never
 * hash alike; short, because it is the walk's serial dependency chain. finish() spreads the bits.
 */
static inline uint64_t mix(uint64_t h, uint64_t v) {
    return (h ^ v) * 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t finish(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static inline int is_boundary(uintptr_t pc) {
    int n = __atomic_load_n(&boundary_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++) {
        if (boundaries[i] == pc) {
            return 1;
        }
    }
    return 0;
}

static inline uint64_t collections(void) {
    char *heap = (char *) __atomic_load_n(collected_heap, __ATOMIC_ACQUIRE);
    if (heap == NULL) {
        return 0;
    }
    return __atomic_load_n((uint32_t *) (heap + total_collections), __ATOMIC_ACQUIRE);
}

/* The current thread's stack end, looked up once per thread; 0 if unknown. */
static inline uintptr_t current_stack_end(void) {
    if (stack_end == 0) {
        stack_end = find_stack_end();
    }
    return stack_end;
}

/* What jtfp_walk is told of the current thread (the Java side's FpHelper.walk). */
#define KIND_PLATFORM 0
#define KIND_VIRTUAL 1
#define KIND_STARTED 2 /* a platform thread the JVM started: its outermost Java frame never changes */

/*
 * The fingerprint of the current thread's stack, or 0 where there is none that can be trusted:
 * the chain is deeper than max_frames, or (virtual thread) it reaches neither the continuation
 * entry nor the return barrier. A fingerprint of the whole stack is even; one of a virtual
 * thread's frames down to the return barrier (after a yield the VM copies back only the top
 * frames and leaves the rest in the heap) is odd: the Java side completes it with what it knows
 * of the frames left in the heap. The chain past the barrier is not followed: it leads through
 * the carrier's stack memory, which can hold stale frames. epoch is mixed in: the Java side
 * moves it on when code may have been freed.
 *
 * A started thread's fingerprint covers its frames down to its outermost Java frame only: the
 * frames below (the VM's entry, the C library's thread start) are the same at every walk, and
 * they are the coldest memory the walk touches. The first walk that reaches the chain's end (a
 * saved frame pointer of 0, where the C library's thread start cleared it) learns where that
 * frame is: the last frame the call stub called. A thread attached from native code is not
 * "started": its outermost Java call can return and another begin at a different depth.
 */
__attribute__((noinline)) int64_t jtfp_walk(int32_t max_frames, int32_t kind, int64_t epoch) {
    uintptr_t end = current_stack_end();
    if (end == 0) {
        return 0;
    }
    int virtual_thread = kind == KIND_VIRTUAL;
    uintptr_t fp = (uintptr_t) __builtin_frame_address(0);
    uint64_t h = mix(0x6a74726163656670ULL ^ (uint64_t) epoch, collections());
    int n = 0;
    int reached = 0;
    int partial = 0;
    uintptr_t barrier = virtual_thread ? __atomic_load_n(&return_barrier, __ATOMIC_ACQUIRE) : 0;
    uintptr_t stub = kind == KIND_STARTED ? call_stub_return : 0;
    uintptr_t outer = stub != 0 ? outer_java_fp : 0;
    uintptr_t last_called = 0; /* while learning: the last frame the call stub called, and the hash there */
    uint64_t h_at_last = 0;
    int n_at_last = 0;
    int clean_end = 0;
    for (;;) {
        if (n == max_frames) {
            return 0;
        }
        uintptr_t *frame = (uintptr_t *) fp;
        uintptr_t next = frame[0];
        uintptr_t pc = frame[1];
        if (virtual_thread && is_boundary(pc)) {
            reached = 1;
            break;
        }
        if (barrier != 0 && pc == barrier) {
            reached = 1;
            partial = 1;
            break;
        }
        h = mix(h, pc);
        n++;
        if (stub != 0 && pc == stub) {
            if (fp == outer) {
                break; /* the outermost Java frame: the rest is the same at every walk */
            }
            last_called = fp;
            h_at_last = h;
            n_at_last = n;
        }
        if (next <= fp || next > end - 2 * sizeof(uintptr_t) || (next & (sizeof(uintptr_t) - 1)) != 0) {
            clean_end = next == 0;
            break;
        }
        if (pc - interp_begin < interp_size) {
            uintptr_t *interpreted = (uintptr_t *) next;
            h = mix(h, interpreted[-METHOD_SLOT]);
            h = mix(h, interpreted[-BCP_SLOT]);
        }
        fp = next;
    }
    if (virtual_thread && !reached) {
        return 0;
    }
    if (outer == 0 && clean_end && last_called != 0) {
        /* learnt: this and every later walk of the thread stop at its outermost Java frame */
        outer_java_fp = last_called;
        h = h_at_last;
        n = n_at_last;
    }
    h = finish(mix(h, (uint64_t) n));
    if (partial) {
        return (int64_t) (h | 1);
    }
    h &= ~(uint64_t) 1;
    return h == 0 ? 2 : (int64_t) h;
}

/*
 * The return addresses of the current thread's frame chain, innermost first, at most max; their
 * number. For the Java side's start-up self-test.
 */
__attribute__((noinline)) int32_t jtfp_frames(uint64_t *out, int32_t max) {
    uintptr_t end = current_stack_end();
    if (end == 0) {
        return 0;
    }
    uintptr_t fp = (uintptr_t) __builtin_frame_address(0);
    int n = 0;
    while (n < max) {
        uintptr_t *frame = (uintptr_t *) fp;
        uintptr_t next = frame[0];
        out[n++] = frame[1];
        if (next <= fp || next > end - 2 * sizeof(uintptr_t) || (next & (sizeof(uintptr_t) - 1)) != 0) {
            break;
        }
        fp = next;
    }
    return n;
}
