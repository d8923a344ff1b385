package org.baton.client.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser client's own unit tests ({@code node --test src/test/js/}: reconnect, heartbeats, event order,
 * queue places, the same behaviour over WebSocket and REST, local drafts, autosave timing) as part of the Maven build, so {@code ./test.sh} covers them.
 */
class NodeUnitTest {
    @Test
    void clientLibraryUnitTests_passUnderNode() throws Exception {
        assertTrue(Path.of("src/test/js/node_modules/fake-indexeddb").toFile().isDirectory(),
                "the client tests need fake-indexeddb: run ./test.sh (or scripts/test-deps.sh) to install it");
        Process node;
        try {
            node = new ProcessBuilder("node", "--test", "--test-reporter=tap", "src/test/js/").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("Node.js is needed for the client tests: run ./test.sh (or scripts/test-deps.sh) to install it", e);
        }
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(120, TimeUnit.SECONDS), "node --test did not finish in 120 s");
        System.out.println(output);
        assertEquals(0, node.exitValue(), "node --test failed:\n" + output);
        assertTrue(output.contains("# fail 0") && !output.contains("# pass 0"), "no tests ran, or some failed:\n" + output);
        assertTrue(Path.of("src/test/js/lock-manager.test.mjs").toFile().isFile());
    }
}
