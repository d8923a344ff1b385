package org.baton.core.cluster;

import java.util.function.Supplier;

/**
 * Secrets every instance of one deployment must share and that may live in the database: the demo mode's token
 * secret, and the master key of browser-side draft encryption. The first instance to ask creates the value; every
 * later one reads the same. (The audit chain's key is deliberately not one of them: it must not live where the
 * audit entries live.)
 */
public interface SharedSecrets {
    String getOrCreate(String name, Supplier<String> generator);
}
