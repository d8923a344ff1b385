package org.baton.server.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that must have the machine to itself. The build runs the other test classes two at a time, in two
 * JVMs (half the suite's time on two cores), and these afterwards, one at a time: they measure time or fan-out against
 * a bound (reconnect storms, the slow consumer, heartbeat starvation), drive a real Chromium, or run several Baton
 * processes behind a load balancer, and a neighbour competing for the two cores would make their figures, or their
 * waits, depend on what happened to run beside them.
 */
@Tag(RunsAlone.TAG)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@interface RunsAlone {
    /** The JUnit tag the build selects on (baton-server/pom.xml). */
    String TAG = "alone";
}
