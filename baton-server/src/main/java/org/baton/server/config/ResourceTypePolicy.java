package org.baton.server.config;

import java.time.Duration;
import java.util.Set;

/**
 * The overrides one resource type sets in the policy YAML ({@code resourceTypes.<type>.*}, the shape of seed 001's
 * blocks); a null member keeps the default. {@code maxViewersPerChild: null} in YAML means "unlimited" and is
 * carried as {@code 0}.
 */
public record ResourceTypePolicy(Integer maxConcurrentTabLocksPerUser, Integer maxViewersPerChild, Duration leaseTtl,
                                 Duration idleTimeout, Duration idleWarning, Duration disconnectGrace, String upgradeMode,
                                 Boolean queueEnabled, Integer queueMaxSize, Boolean queueAutoAcquire, Duration claimWindow,
                                 Set<String> takeoverRoles, Boolean takeoverRequiresReason, Boolean trackViewers) {
}
