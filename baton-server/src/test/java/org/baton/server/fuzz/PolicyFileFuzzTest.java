package org.baton.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.baton.server.config.ConfigException;
import org.baton.server.config.PolicyFile;
import org.baton.server.config.ResourceTypePolicy;

/**
 * Jazzer on the per-type policy file ({@code BATON_CONFIG}, issue 16): any YAML text either gives policies or stops
 * the start with one {@link ConfigException} line that names where the problem is; never a stack trace from the YAML
 * parser or from a policy that cannot be built.
 */
class PolicyFileFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("baton-policy-fuzz", ".yaml");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyYaml_givesPolicies_orOneLineNamingTheProblem(byte[] yaml) throws IOException {
        Files.write(FILE, yaml);
        try {
            Map<String, ResourceTypePolicy> policies = PolicyFile.read(FILE);
            assertThat(policies.keySet()).allSatisfy(type -> assertThat(type).matches("[a-z0-9_-]{1,64}"));
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).isNotBlank().doesNotContain("\tat ");
        }
    }
}
