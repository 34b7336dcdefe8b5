package io.jtrace.recorder;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's set of thread ids named in a generation: each id once, across resets and growth. */
class ThreadIdSetTest {
    @Test
    void eachIdIsNewExactlyOnceUntilTheNextReset() {
        ThreadIdSet set = new ThreadIdSet();
        Random random = new Random(7);
        for (int generation = 0; generation < 5; generation++) {
            int n = generation == 2 ? 10 : 50_000; // grows, then is reused with room to spare
            set.reset(generation == 4 ? 16 : n); // the last: far more ids than expected, grown while adding
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < n * 2; i++) {
                long id = 1 + random.nextInt(n); // sequential-ish ids, many repeated
                assertThat(set.add(id)).as("id %d in generation %d", id, generation).isEqualTo(seen.add(id));
            }
        }
    }
}
