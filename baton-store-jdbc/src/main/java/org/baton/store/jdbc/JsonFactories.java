package org.baton.store.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

/**
 * The {@link JsonFactory} under every JSON mapper on Baton's message path (the server's, the stored state's, the
 * audit entries' details, the records' fields). Jackson recycles its read and write buffers per thread by default, in
 * a {@code ThreadLocal}; Baton reads and answers each message on a virtual thread of its own, so that per-thread pool
 * was always empty: every message allocated a fresh set of buffers and made (and later cleaned) a {@code ThreadLocal}
 * entry for them. A pool shared by every thread hands the same buffers round instead.
 */
public final class JsonFactories {
    private JsonFactories() {
    }

    /** A new factory whose buffers come from the one pool shared by every thread. */
    public static JsonFactory pooled() {
        return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
    }
}
