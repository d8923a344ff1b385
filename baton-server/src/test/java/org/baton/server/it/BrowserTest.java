package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo app and dashboard in real headless Chromium, two or three windows as different users, against a real
 * server (its lock clock is manual, so idle warnings need no waiting). Screenshots land in target/screenshots/.
 */
class BrowserTest {
    @TempDir
    Path dir;
    TestBaton baton;
    final java.util.List<Browser> browsers = new java.util.ArrayList<>();

    TestBaton start(Map<String, String> env) {
        baton = new TestBaton(dir, env, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        return baton;
    }

    Browser browser(String userId) {
        Browser b = new Browser(baton, userId);
        browsers.add(b);
        return b;
    }

    @AfterEach
    void stop() {
        browsers.forEach(Browser::close);
        if (baton != null) {
            baton.close();
        }
    }

    static final String MAIN = "section[data-section='main']";

    /** A window of {@code userId} on {@code path} that has pressed Edit and holds the main section's lock. */
    Browser editing(String userId, String path) {
        Browser b = browser(userId).open(path);
        b.click(MAIN + " [data-action='edit']");
        b.waitText(MAIN + " [data-role='badge']", "You are editing");
        return b;
    }

    @Test
    void aEdits_bSeesTheBadgeAndQueues_aSaves_bIsToldAndEdits() {
        start(Map.of());
        Browser a = editing("sharma", "/record?type=drug_regime&id=d-3001");
        a.type("#f-notes", "Reviewed on the ward round; continue.");
        a.screenshot("1-editor-editing");

        Browser b = browser("okafor").open("/record?type=drug_regime&id=d-3001");
        b.waitText(MAIN + " [data-role='badge']", "Dr. Priya Sharma is editing");
        assertThat(b.find("#f-notes").isEnabled()).as("read-only while someone else edits").isFalse();
        b.click(MAIN + " [data-action='edit']");
        b.waitVisible("#queue-modal");
        assertThat(b.findAll("#queue-modal [data-action='override']")).as("a nurse may not override").isEmpty();
        b.screenshot("2-queue-modal");
        b.click("#queue-modal [data-action='join-queue']");
        b.waitText(MAIN + " [data-role='badge']", "#1 in the queue");
        a.waitText(MAIN + " [data-role='presence']", "");
        assertThat(a.find(MAIN + " [data-role='presence']").getAttribute("innerHTML")).contains("Okafor");

        a.click(MAIN + " [data-action='save-release']");
        a.waitText("#banner", "Saved version 2");
        b.waitText(MAIN + " [data-role='badge']", "You are editing");
        b.waitText("#banner", "It is your turn");
        assertThat(b.value("#f-notes")).isEqualTo("Reviewed on the ward round; continue.");
        assertThat(b.find("#f-notes").isEnabled()).isTrue();
        a.waitText(MAIN + " [data-role='badge']", "Nurse Grace Okafor is editing");
        b.screenshot("3-your-turn");
    }

    @Test
    void emergencyOverride_showsTheBanner_andLaterTheMergeView() {
        start(Map.of());
        Browser a = editing("chen", "/record?type=drug_regime&id=d-3002");
        a.type("#f-notes", "Block wearing off at 14:00; patient comfortable.");

        Browser b = browser("johnson").open("/record?type=drug_regime&id=d-3002");
        b.waitText(MAIN + " [data-role='badge']", "Dr. Mei Chen is editing");
        b.click(MAIN + " [data-action='edit']");
        b.click("#queue-modal [data-action='override']");
        b.waitVisible("#override-modal");
        b.click("#override-modal [data-action='override-now']");
        b.waitText("#override-modal", "A reason is required");
        b.type("#override-reason", "Hypotension: stopping the infusion now");
        b.screenshot("4-override-modal");
        b.click("#override-modal [data-action='override-now']");
        b.waitText(MAIN + " [data-role='badge']", "You are editing");

        a.waitText("#banner", "Dr. Alan Johnson took over");
        a.waitText("#banner", "kept as a draft");
        assertThat(a.find("#f-notes").isEnabled()).isFalse();
        a.screenshot("5-displaced-banner");

        b.type("#f-rate_ml_h", "0");
        b.click(MAIN + " [data-action='save-release']");
        b.waitText("#banner", "Saved version 2");

        a.click("#banner button");
        a.waitVisible("#merge-modal");
        a.waitText("#merge-modal", "Kept your changes to: Notes");
        assertThat(a.find("#merge-modal").getText()).contains("Rate (ml/h)");
        a.screenshot("6-merge-view");
        a.click("#merge-modal input[name='merge-rate_ml_h'][value='theirs']");
        a.click("#merge-modal [data-action='save-merge']");
        a.waitText("#banner", "Saved version 3");
        var saved = baton.call("GET", "/api/records/drug_regime/d-3002", baton.token("chen"), null).body();
        assertThat(saved.at("/fields/notes").asText()).isEqualTo("Block wearing off at 14:00; patient comfortable.");
        assertThat(saved.at("/fields/rate_ml_h").asDouble()).isEqualTo(0.0);
    }

    @Test
    void autosave_andRecoveryAfterClosingTheWindow() {
        start(Map.of("AUTOSAVE_INTERVAL", "5"));
        Browser a = editing("okafor", "/record?type=catheter&id=c-2001");
        a.type("#f-notes", "Dressing changed, site clean and dry.");
        a.waitText(MAIN + " [data-role='autosave']", "Draft saved", Duration.ofSeconds(20));
        a.screenshot("7-autosaved");
        a.close();
        browsers.remove(a);

        Browser again = browser("okafor").open("/record?type=catheter&id=c-2001");
        again.waitVisible("#draft-modal");
        again.screenshot("8-draft-recovery");
        again.click("#draft-modal [data-action='restore-draft']");
        if (!again.findAll("[data-action='move-here']").isEmpty()) {
            again.click("[data-action='move-here']");
        }
        again.waitText(MAIN + " [data-role='badge']", "You are editing");
        assertThat(again.value("#f-notes")).isEqualTo("Dressing changed, site clean and dry.");
        again.click(MAIN + " [data-action='save']");
        again.waitText("#banner", "Saved version 2");
        assertThat(baton.call("GET", "/api/autosave/restore/catheter/c-2001", baton.token("okafor"), null).status())
                .as("the save deleted the draft").isEqualTo(404);
    }

    @Test
    void adminForceReleasesFromTheDashboard_andTheHolderIsTold() {
        start(Map.of());
        Browser a = editing("chen", "/record?type=catheter&id=c-2002");

        Browser admin = browser("rivera").open("/admin");
        admin.waitVisible("tr[data-resource='catheter:c-2002:main']");
        admin.screenshot("9-dashboard");
        admin.click("tr[data-resource='catheter:c-2002:main'] [data-action='force-release']");
        admin.type("#release-reason", "Left on the ward PC overnight");
        admin.click("#force-release-modal [data-action='confirm-force-release']");
        admin.waitGone("tr[data-resource='catheter:c-2002:main']");
        admin.waitText("#audit", "ADMIN");

        a.waitText("#banner", "An administrator released your lock");
        a.waitText("#banner", "Left on the ward PC overnight");
        a.waitText(MAIN + " [data-role='badge']", "Available");
        a.screenshot("10-admin-released");
    }

    @Test
    void idleWarning_keepEditing_holdsTheLock() {
        start(Map.of("BATON_LEASE_TTL", "3600"));
        Browser a = editing("sharma", "/record?type=patient&id=p-1001");
        baton.advance(Duration.ofMinutes(25));
        a.waitVisible("#expiring-modal");
        a.screenshot("11-idle-warning");
        a.click("#expiring-modal [data-action='keep-editing']");
        a.waitText("#banner", "You keep the lock");
        baton.advance(Duration.ofMinutes(10));
        var check = baton.call("GET", "/api/locks/check/patient/p-1001", baton.token("rivera"), null).body();
        assertThat(check.at("/holder/userId").asText()).as("without 'keep editing' the idle timeout (30 min) would have released it")
                .isEqualTo("sharma");
        a.resize(820, 1180);
        a.screenshot("12-tablet-width");
        assertThat(a.find(MAIN + " [data-role='badge']").getText()).contains("You are editing");
    }

    @Test
    void issue12_10_withLocksTurnedOff_theRecordPageSaysSo_andOffersNoEdit() {
        start(Map.of("LOCK_ENABLED", "false"));
        Browser a = browser("sharma").open("/record?type=drug_regime&id=d-3001");
        assertThat(a.waitVisible("#locks-off").getText()).contains("Edit locks are turned off on this server");
        assertThat(a.find(MAIN + " [data-action='edit']").isDisplayed()).isFalse();
        assertThat(a.find("#f-drug").isEnabled()).as("the record is shown read-only").isFalse();
        assertThat(a.value("#f-drug")).isNotBlank();
        assertThat((java.util.List<?>) a.driver.executeScript("return window.__batonErrors")).as("no page errors").isEmpty();
        a.screenshot("13-locks-turned-off");
    }
}
