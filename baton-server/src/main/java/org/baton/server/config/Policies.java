package org.baton.server.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.baton.core.LockPolicy;
import org.baton.core.PolicyBook;
import org.baton.core.ResourceCatalog;
import org.baton.core.UpgradeMode;

/** Builds the core's {@link PolicyBook} from the environment defaults and the per-type YAML overrides. */
public final class Policies {
    private Policies() {
    }

    public static PolicyBook from(BatonConfig config) {
        LockPolicy defaults = defaults(config.locks());
        Map<String, LockPolicy> byType = new HashMap<>();
        config.resourceTypes().forEach((type, o) -> {
            try {
                byType.put(type, override(defaults, o));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("resourceTypes." + type + ": " + e.getMessage());
            }
        });
        return new PolicyBook(defaults, byType, catalog(config));
    }

    /**
     * What may be locked: the record types with their sections, and the types the policy file names (any child);
     * or anything, when {@code BATON_ALLOW_ANY_RESOURCE_TYPE} says so.
     */
    static ResourceCatalog catalog(BatonConfig config) {
        if (config.locks().anyResourceType()) {
            return ResourceCatalog.any();
        }
        Map<String, Set<String>> types = new HashMap<>();
        config.resourceTypes().keySet().forEach(type -> types.put(type, Set.of()));
        config.recordTypes().all().forEach((type, schema) -> {
            Set<String> sections = new HashSet<>(schema.sections());
            sections.add("main");
            types.put(type, sections);
        });
        return ResourceCatalog.of(types);
    }

    static LockPolicy defaults(BatonConfig.Locks l) {
        try {
            return new LockPolicy(l.leaseTtl(), l.heartbeatInterval(), l.idleTimeout(), l.idleWarning(), l.disconnectGrace(),
                    l.claimWindow(), l.queueEnabled(), l.queueMaxSize(), l.queueAutoAcquire(), l.maxLocksPerUser(), 0, UpgradeMode.QUEUE,
                    l.forceUnlockAllowed(), l.forceUnlockRoles(), l.forceUnlockRequiresReason(), l.takeoverRequestTimeout(),
                    l.askHolderTimeout(), l.trackViewers(), l.maxQueuesPerUser(), l.queueTimeout(), l.viewerTimeout());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("lock settings: " + e.getMessage());
        }
    }

    private static LockPolicy override(LockPolicy d, ResourceTypePolicy o) {
        return new LockPolicy(
                or(o.leaseTtl(), d.leaseTtl()), d.heartbeatInterval(), or(o.idleTimeout(), d.idleTimeout()),
                or(o.idleWarning(), d.idleWarning()), or(o.disconnectGrace(), d.disconnectGrace()), or(o.claimWindow(), d.claimWindow()),
                or(o.queueEnabled(), d.queueEnabled()), or(o.queueMaxSize(), d.queueMaxSize()), or(o.queueAutoAcquire(), d.queueAutoAcquire()),
                or(o.maxConcurrentTabLocksPerUser(), d.maxLocksPerUser()), or(o.maxViewersPerChild(), d.maxViewers()),
                o.upgradeMode() == null ? d.upgradeMode() : UpgradeMode.valueOf(o.upgradeMode().toUpperCase(java.util.Locale.ROOT)),
                d.takeoverEnabled(), or(o.takeoverRoles(), d.takeoverRoles()), or(o.takeoverRequiresReason(), d.takeoverRequiresReason()),
                d.takeoverRequestTimeout(), d.askHolderTimeout(), or(o.trackViewers(), d.trackViewers()), d.maxQueuesPerUser(),
                d.queueTimeout(), d.viewerTimeout());
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
