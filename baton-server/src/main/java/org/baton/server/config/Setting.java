package org.baton.server.config;

import java.util.Map;
import java.util.function.Function;

/**
 * One environment variable Baton reads: its key, default, unit, what is allowed and what it does. The same
 * descriptor validates the value, words the error, and renders the README's configuration table, so the three
 * can never disagree.
 *
 * @param <T> the parsed type
 */
public record Setting<T>(String key, String defaultValue, String unit, String allowed, String description, boolean sensitive,
                         Function<String, T> parser) {

    public Setting(String key, String defaultValue, String unit, String allowed, String description, Function<String, T> parser) {
        this(key, defaultValue, unit, allowed, description, false, parser);
    }

    /** The value in {@code env}, or the default; a bad value stops start-up with a message naming key and value. */
    public T read(Map<String, String> env) {
        String raw = env.get(key);
        if (raw == null || raw.isBlank()) {
            raw = defaultValue;
        }
        try {
            return parser.apply(raw == null ? null : raw.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + "='" + (sensitive ? "<hidden>" : printable(raw)) + "': expected " + allowed);
        }
    }

    public boolean isSet(Map<String, String> env) {
        String raw = env.get(key);
        return raw != null && !raw.isBlank();
    }

    private static String printable(String raw) {
        if (raw == null) {
            return "";
        }
        String oneLine = raw.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 80 ? oneLine.substring(0, 80) + "…" : oneLine;
    }
}
