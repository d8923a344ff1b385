package org.baton.server.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that chooses its store itself and runs once: the cluster tests always start their own PostgreSQL, the
 * browser tests exercise the pages, not the store. The build's second pass of the integration tests on PostgreSQL
 * leaves them out by this tag rather than only by file name, because a focused run ({@code -Dtest=X}) overrides file
 * names but not tags: without it, {@code -Dtest=ScaledOutClusterTest} ran the cluster twice.
 */
@Tag(OneStore.TAG)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@interface OneStore {
    /** The JUnit tag the build selects on (baton-server/pom.xml). */
    String TAG = "one-store";
}
