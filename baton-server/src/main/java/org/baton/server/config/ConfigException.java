package org.baton.server.config;

/**
 * A configuration value Baton cannot start with. The message is one line naming the key, the value and what is
 * allowed, e.g. {@code LOCK_TIMEOUT='abc': expected a whole number of seconds from 60 to 86400}.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
