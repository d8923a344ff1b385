package org.baton.server.http;

import io.javalin.config.RoutesConfig;

/** A set of related endpoints that registers itself on the server's routes (health, locks, records, ...). */
@FunctionalInterface
public interface RouteGroup {
    void register(RoutesConfig routes);
}
