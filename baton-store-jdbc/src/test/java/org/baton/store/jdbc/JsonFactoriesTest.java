package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Jackson's buffers are shared across threads, not kept per thread: each message runs on a new virtual thread, which
 * would find a per-thread pool empty every time.
 */
class JsonFactoriesTest {
    @Test
    void theStoresMappers_takeTheirBuffersFromThePoolSharedByEveryThread() {
        assertThat(JsonFactories.pooled()._getRecyclerPool()).isSameAs(JsonRecyclerPools.sharedConcurrentDequePool());
        assertThat(StateJson.mapper().getFactory()._getRecyclerPool()).isSameAs(JsonRecyclerPools.sharedConcurrentDequePool());
    }

    @Test
    void aNewVirtualThread_getsBuffersAnotherThreadGaveBack() throws Exception {
        RecyclerPool<BufferRecycler> pool = JsonFactories.pooled()._getRecyclerPool();
        BufferRecycler given = pool.acquireAndLinkPooled();
        given.releaseToPool(); // as a parser or generator does when it closes
        AtomicReference<Boolean> reused = new AtomicReference<>(false);
        Thread.ofVirtual().start(() -> {
            // the pool is shared with other tests in this JVM: look through what it holds now for the one given back
            java.util.List<BufferRecycler> taken = new java.util.ArrayList<>();
            for (int i = 0; i < 64 && !reused.get(); i++) {
                BufferRecycler r = pool.acquireAndLinkPooled();
                taken.add(r);
                reused.set(r == given);
            }
            taken.forEach(BufferRecycler::releaseToPool);
        }).join();
        assertThat(reused.get()).as("a buffer set released on one thread is handed to a new virtual thread").isTrue();
    }
}
