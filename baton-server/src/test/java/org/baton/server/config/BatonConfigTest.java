package org.baton.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatonConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults_followTheSpec() {
        BatonConfig config = BatonConfig.fromEnvironment(Map.of());
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.locks().leaseTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.locks().heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.locks().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.locks().idleWarning()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.locks().disconnectGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.locks().queueMaxSize()).isEqualTo(10);
        assertThat(config.locks().queueAutoAcquire()).isTrue();
        assertThat(config.locks().maxLocksPerUser()).isEqualTo(5);
        assertThat(config.locks().forceUnlockRoles()).containsExactlyInAnyOrder("admin", "attending");
        assertThat(config.autosave().interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.autosave().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(config.jwt().demoMode()).isTrue();
        assertThat(config.resourceTypes()).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("LOCK_ENABLED", "maybe"), Arguments.of("LOCK_TIMEOUT", "abc"), Arguments.of("LOCK_TIMEOUT", "5"),
                Arguments.of("LOCK_HEARTBEAT_INTERVAL", "-1"), Arguments.of("LOCK_WARNING_TIME", "1.5"),
                Arguments.of("LOCK_GRACE_PERIOD", "99999"), Arguments.of("QUEUE_ENABLED", "sometimes"),
                Arguments.of("QUEUE_MAX_SIZE", "0"), Arguments.of("QUEUE_NOTIFICATION_ENABLED", "2"),
                Arguments.of("QUEUE_AUTO_ACQUIRE", "y e s"), Arguments.of("AUTOSAVE_ENABLED", "null"),
                Arguments.of("AUTOSAVE_INTERVAL", "2m"), Arguments.of("AUTOSAVE_RETENTION_HOURS", "0"),
                Arguments.of("ALLOW_FORCE_UNLOCK", "x"), Arguments.of("FORCE_UNLOCK_ROLES", "Admin Role"),
                Arguments.of("FORCE_UNLOCK_REQUIRES_REASON", "x"), Arguments.of("FORCE_UNLOCK_AUDIT_LOG", "false"),
                Arguments.of("LOCK_TRACK_VIEWERS", "x"), Arguments.of("LOCK_VIEWER_TIMEOUT", "1"),
                Arguments.of("BATON_PORT", "70000"), Arguments.of("BATON_PORT", "http"), Arguments.of("BATON_JWT_SECRET", "short"),
                Arguments.of("BATON_JWT_PUBLIC_KEY", "/no/such/key.pem"), Arguments.of("BATON_JWT_JWKS", "/no/such/jwks.json"),
                Arguments.of("BATON_JWT_JWKS_URL", "http://idp.example.org/certs"), Arguments.of("BATON_JWT_JWKS_URL", "file:///etc/passwd"),
                Arguments.of("BATON_JWT_JWKS_URL", "https://user:pw@idp.example.org/certs"), Arguments.of("BATON_JWT_ROLES_CLAIM", "r".repeat(300)),
                Arguments.of("BATON_MAX_CONNECTIONS_PER_USER", "0"), Arguments.of("BATON_SEND_BUFFER_BYTES", "1024"),
                Arguments.of("BATON_JWT_CLOCK_SKEW", "3600"), Arguments.of("BATON_DEMO", "sometimes"),
                Arguments.of("BATON_LEASE_TTL", "1"), Arguments.of("BATON_CLAIM_WINDOW", "0"),
                Arguments.of("BATON_MAX_LOCKS_PER_USER", "0"), Arguments.of("BATON_TAKEOVER_REQUEST_TIMEOUT", "x"),
                Arguments.of("BATON_ASK_HOLDER_TIMEOUT", "x"), Arguments.of("BATON_ALLOWED_ORIGINS", "not a url"),
                Arguments.of("BATON_MAX_BODY_BYTES", "10"), Arguments.of("BATON_MAX_DRAFT_BYTES", "x"),
                Arguments.of("BATON_RATE_LIMIT", "0"), Arguments.of("BATON_RATE_BURST", "0"), Arguments.of("BATON_LOG_FORMAT", "xml"),
                Arguments.of("BATON_CONFIG", "/no/such/policies.yaml"),
                Arguments.of("BATON_STORE", "mysql"), Arguments.of("BATON_DB_URL", "jdbc:mysql://db/baton"),
                Arguments.of("BATON_DB_USER", "baton"), Arguments.of("BATON_DB_PASSWORD", "secret"),
                Arguments.of("BATON_DB_PASSWORD_FILE", "/no/such/password"), Arguments.of("BATON_DB_POOL_SIZE", "1"),
                Arguments.of("BATON_DB_TIMEOUT", "0"), Arguments.of("BATON_INSTANCE_ID", "two words"),
                Arguments.of("BATON_INSTANCE_TIMEOUT", "1"), Arguments.of("BATON_AUDIT_KEY_FILE", "/no/such/audit.key"),
                Arguments.of("BATON_AUDIT_CHECKPOINTS", "bad\u0000path"),
                Arguments.of("BATON_RECORD_TYPES", "/no/such/record-types.yaml"),
                Arguments.of("QUEUE_TIMEOUT", "10"), Arguments.of("BATON_ALLOW_ANY_RESOURCE_TYPE", "maybe"),
                Arguments.of("BATON_MAX_QUEUES_PER_USER", "0"), Arguments.of("BATON_MAX_QUEUES_PER_USER", "many"),
                Arguments.of("BATON_ALERT_HELD_AFTER", "1h"), Arguments.of("BATON_ALERT_IDLE_AFTER", "1"),
                Arguments.of("BATON_ALERT_QUEUE_LENGTH", "0"), Arguments.of("BATON_ALERT_OVERRIDE_BURST", "0"),
                Arguments.of("BATON_ALERT_OVERRIDE_WINDOW", "x"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void badValue_stopsStartUp_withOneLineNamingKeyAndValue(String key, String value) {
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key)
                .hasMessageContaining("expected")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void everySetting_isCoveredByTheBadValueMatrix() {
        var covered = badValues().map(a -> (String) a.get()[0]).toList();
        for (Setting<?> setting : Settings.ALL) {
            if (!setting.key().equals("BATON_BIND") && !setting.key().equals("BATON_DATA_DIR")
                    && !setting.key().equals("BATON_JWT_AUDIENCE") && !setting.key().equals("BATON_JWT_ISSUER")) {
                assertThat(covered).as("bad-value test for " + setting.key()).contains(setting.key());
            }
        }
    }

    @Test
    void secret_isNeverPrinted_evenWhenRefused() {
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_JWT_SECRET", "tooShortButSecret")))
                .hasMessageNotContaining("tooShortButSecret").hasMessageContaining("<hidden>");
        BatonConfig config = BatonConfig.fromEnvironment(Map.of("BATON_JWT_SECRET", "x".repeat(40)));
        assertThat(config.toString()).doesNotContain("x".repeat(40));
    }

    @Test
    void postgresStore_needsItsUrl_readsAPasswordFile_andKeepsThePasswordHidden(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_STORE", "postgres"))).hasMessageStartingWith("BATON_DB_URL");
        java.nio.file.Path file = dir.resolve("password");
        java.nio.file.Files.writeString(file, "s3cret-from-file\n");
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_STORE", "postgres", "BATON_DB_URL", "jdbc:postgresql://db/baton")))
                .as("scaled out, every instance needs the shared audit key").hasMessageStartingWith("BATON_AUDIT_KEY_FILE");
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("audit.key"), "k".repeat(40));
        BatonConfig config = BatonConfig.fromEnvironment(Map.of("BATON_STORE", "postgres", "BATON_DB_URL", "jdbc:postgresql://db:5432/baton",
                "BATON_DB_USER", "baton", "BATON_DB_PASSWORD_FILE", file.toString(), "BATON_INSTANCE_ID", "baton-a",
                "BATON_AUDIT_KEY_FILE", key.toString()));
        assertThat(config.store().postgres()).isTrue();
        assertThat(config.store().password()).isEqualTo("s3cret-from-file");
        assertThat(config.store().instanceName()).isEqualTo("baton-a");
        assertThat(config.toString()).doesNotContain("s3cret-from-file");
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_STORE", "postgres", "BATON_DB_URL", "jdbc:postgresql://db/baton",
                "BATON_DB_PASSWORD", "a", "BATON_DB_PASSWORD_FILE", file.toString()))).hasMessageStartingWith("BATON_DB_PASSWORD");
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_DB_PASSWORD", "s3cret"))).hasMessageNotContaining("s3cret");
    }

    @Test
    void crossKeyRules_areChecked() {
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("LOCK_TIMEOUT", "600", "LOCK_WARNING_TIME", "600")))
                .hasMessageStartingWith("LOCK_WARNING_TIME");
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_LEASE_TTL", "60", "LOCK_HEARTBEAT_INTERVAL", "60")))
                .hasMessageStartingWith("LOCK_HEARTBEAT_INTERVAL");
    }

    @Test
    void demoMode_isOffWithASecret_andCannotBeForcedOn() throws Exception {
        String secret = "s".repeat(32);
        assertThat(BatonConfig.fromEnvironment(Map.of("BATON_JWT_SECRET", secret)).jwt().demoMode()).isFalse();
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_JWT_SECRET", secret, "BATON_DEMO", "on")))
                .hasMessageStartingWith("BATON_DEMO");
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_DEMO", "off"))).hasMessageStartingWith("BATON_DEMO");
        Path pem = Files.writeString(dir.resolve("key.pem"), "placeholder");
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_JWT_SECRET", secret, "BATON_JWT_PUBLIC_KEY", pem.toString())))
                .hasMessageContaining("at most one");
    }

    @Test
    void policyYaml_overridesPerType() throws Exception {
        Path yaml = Files.writeString(dir.resolve("policies.yaml"), """
                resourceTypes:
                  patient:
                    maxConcurrentTabLocksPerUser: 10
                    maxViewersPerChild: null
                    leaseTtlSeconds: 120
                    upgradeMode: request
                    takeoverRoles: [admin]
                  drug_regime:
                    queueMaxSize: 3
                    queueAutoAcquire: false
                """);
        BatonConfig config = BatonConfig.fromEnvironment(Map.of("BATON_CONFIG", yaml.toString()));
        ResourceTypePolicy patient = config.resourceTypes().get("patient");
        assertThat(patient.maxConcurrentTabLocksPerUser()).isEqualTo(10);
        assertThat(patient.maxViewersPerChild()).isZero();
        assertThat(patient.leaseTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(patient.upgradeMode()).isEqualTo("request");
        assertThat(patient.takeoverRoles()).containsExactly("admin");
        assertThat(patient.queueMaxSize()).isNull();
        assertThat(config.resourceTypes().get("drug_regime").queueAutoAcquire()).isFalse();
    }

    static Stream<Arguments> badYaml() {
        return Stream.of(
                Arguments.of("resourceTypes:\n  patient:\n    queueMaxSize: -1\n", "resourceTypes.patient.queueMaxSize='-1'"),
                Arguments.of("resourceTypes:\n  patient:\n    upgradeMode: steal\n", "resourceTypes.patient.upgradeMode='steal'"),
                Arguments.of("resourceTypes:\n  patient:\n    colour: blue\n", "resourceTypes.patient.colour: unknown key"),
                Arguments.of("resourceTypes:\n  Patient!:\n    queueMaxSize: 2\n", "resourceTypes.Patient!"),
                Arguments.of("resourceTypes:\n  patient:\n    queueAutoAcquire: yes please\n", "resourceTypes.patient.queueAutoAcquire"),
                Arguments.of("resourceTypes:\n  patient:\n    takeoverRoles: []\n", "resourceTypes.patient.takeoverRoles"),
                Arguments.of("types:\n  patient: {}\n", "types: unknown key"),
                Arguments.of("resourceTypes: [1, 2]\n", "resourceTypes: expected a mapping"),
                Arguments.of("resourceTypes:\n  patient: {\n", "BATON_CONFIG="));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badYaml")
    void badPolicyYaml_isRefusedWithItsPath(String yaml, String expectedStart) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), yaml);
        var env = new HashMap<String, String>();
        env.put("BATON_CONFIG", file.toString());
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(env)).isInstanceOf(ConfigException.class).hasMessageStartingWith(expectedStart);
    }

    static Stream<Arguments> badRecordTypes() {
        return Stream.of(
                Arguments.of("recordTypes:\n  patient:\n    fields:\n      - {name: dose, type: decimal}\n", "recordTypes.patient.fields[0].type"),
                Arguments.of("recordTypes:\n  patient:\n    fields:\n      - {name: route, type: choice}\n", "recordTypes.patient.fields[0].options"),
                Arguments.of("recordTypes:\n  patient:\n    fields:\n      - {name: a, type: text, colour: red}\n", "recordTypes.patient.fields[0].colour"),
                Arguments.of("recordTypes:\n  patient:\n    fields:\n      - {name: a, type: text}\n      - {name: a, type: text}\n",
                        "recordTypes.patient.fields[1].name"),
                Arguments.of("recordTypes:\n  Patient:\n    fields:\n      - {name: a, type: text}\n", "recordTypes.Patient"),
                Arguments.of("records: {}\n", "expected a 'recordTypes:' map"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badRecordTypes")
    void badRecordTypesYaml_isRefusedWithItsPath(String yaml, String expected) throws Exception {
        Path file = Files.writeString(dir.resolve("types.yaml"), yaml);
        assertThatThrownBy(() -> BatonConfig.fromEnvironment(Map.of("BATON_RECORD_TYPES", file.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("BATON_RECORD_TYPES='" + file + "'").hasMessageContaining(expected);
    }

    @Test
    void recordTypes_defaultToTheFiveDemoTypes() {
        assertThat(BatonConfig.fromEnvironment(Map.of()).recordTypes().all().keySet())
                .containsExactly("patient", "catheter", "drug_regime", "functional_outcome", "catheter_removal");
    }
}
