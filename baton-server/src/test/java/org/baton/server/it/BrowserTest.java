package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * The demo app and dashboard in real headless Chromium, two or three windows as different users, against a real
 * server (its lock clock is manual, so idle warnings need no waiting). Every page opened is checked with axe-core,
 * and every window's console must stay free of errors (failed requests, CSP violations). Screenshots land in
 * target/screenshots/.
 */
@RunsAlone
@OneStore
class BrowserTest {
    @TempDir
    Path dir;
    TestBaton baton;
    final List<Browser> browsers = new ArrayList<>();

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
        List<Throwable> failures = new ArrayList<>();
        for (Browser b : browsers) {
            try {
                b.close();
            } catch (RuntimeException | AssertionError e) {
                failures.add(e);
            }
        }
        if (baton != null) {
            baton.close();
        }
        if (!failures.isEmpty()) {
            AssertionError all = new AssertionError(failures.size() + " browser(s) failed at the end");
            failures.forEach(all::addSuppressed);
            throw all;
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

    /**
     * The tab that was closed, killed or cut off may still hold the lock (its lease runs until the grace or the TTL
     * ends): the page then offers to move the lock here.
     */
    static void moveHereIfHeldByTheLostTab(Browser b) {
        b.waitVisible("#other-tab-modal, " + MAIN + " .badge.mine");
        if (!b.findAll("#other-tab-modal").isEmpty()) {
            b.click("#other-tab-modal [data-action='move-here']");
        }
    }

    /** Waits until the section's autosave says the latest change is at least on the device. */
    static void keptOnDevice(Browser b) {
        b.waiting(Duration.ofSeconds(10)).until(d ->
                List.of("local", "saving", "saved").contains(b.find(MAIN + " [data-role='autosave']").getDomAttribute("data-state")));
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
        b.assertAccessible("the queue modal");
        b.screenshot("2-queue-modal");
        b.click("#queue-modal [data-action='join-queue']");
        b.waitText(MAIN + " [data-role='badge']", "#1 in the queue");
        a.waitText(MAIN + " [data-role='presence']", "");
        assertThat(a.find(MAIN + " [data-role='presence']").getAttribute("innerHTML")).contains("Okafor");

        a.click(MAIN + " [data-action='save-release']");
        a.waitText("#banner", "Saved version 2");
        b.waitText(MAIN + " [data-role='badge']", "You are editing");
        b.waitText("#banner", "It is your turn");
        b.waitValue("#f-notes", "Reviewed on the ward round; continue.");
        assertThat(b.find("#f-notes").isEnabled()).isTrue();
        a.waitText(MAIN + " [data-role='badge']", "Nurse Grace Okafor is editing");
        b.screenshot("3-your-turn");
    }

    @Test
    void issue13_liveQueue_positionMovesUp_andYourTurnReachesABackgroundTabAsANotification() {
        start(Map.of());
        Browser a = editing("sharma", "/record?type=drug_regime&id=d-3002");
        Browser b = browser("okafor").open("/record?type=drug_regime&id=d-3002");
        b.click(MAIN + " [data-action='edit']");
        b.click("#queue-modal [data-action='join-queue']");
        b.waitText(MAIN + " [data-role='badge']", "#1 in the queue");

        Browser c = browser("lindqvist");
        // The browser's Notification API and tab visibility, observed: a page script cannot tell the difference.
        c.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.__notifications = [];
                window.Notification = class { static permission = "granted";
                  static requestPermission() { return Promise.resolve("granted"); }
                  constructor(title, options) { window.__notifications.push(title + " | " + options.body); } close() {} };
                Object.defineProperty(Document.prototype, "hidden", { configurable: true, get() { return window.__hidden === true; } });
                """));
        c.open("/record?type=drug_regime&id=d-3002");
        c.click(MAIN + " [data-action='edit']");
        c.click("#queue-modal [data-action='join-queue']");
        c.waitText(MAIN + " [data-role='badge']", "#2 in the queue · about");

        b.click(MAIN + " [data-action='leave-queue']");
        c.waitText(MAIN + " [data-role='badge']", "#1 in the queue");
        c.screenshot("13-live-queue");

        c.driver.executeScript("window.__hidden = true;");
        a.click(MAIN + " [data-action='release']");
        a.click("#release-modal [data-action='confirm-release']");
        c.waitText(MAIN + " [data-role='badge']", "You are editing");
        c.waitFor(() -> !((List<?>) c.driver.executeScript("return window.__notifications")).isEmpty());
        assertThat(c.driver.executeScript("return window.__notifications").toString()).contains("You have Drug regime d-3002 now");
    }

    @Test
    void emergencyOverride_tellsBothSidesTheTruth_noteAfterwards_andLaterTheMergeView() {
        start(Map.of());
        Browser a = editing("chen", "/record?type=drug_regime&id=d-3002");
        a.type("#f-notes", "Block wearing off at 14:00; patient comfortable.");
        keptOnDevice(a);

        Browser b = browser("johnson").open("/record?type=drug_regime&id=d-3002");
        b.waitText(MAIN + " [data-role='badge']", "Dr. Mei Chen is editing");
        b.click(MAIN + " [data-action='edit']");
        b.click("#queue-modal [data-action='override']");
        b.waitVisible("#override-modal");
        b.click("#override-modal [data-action='override-now']");
        b.waitText("#override-modal", "A reason is required");
        b.assertAccessible("the override modal");
        b.type("#override-reason", "Hypotension: stopping the infusion now");
        b.screenshot("4-override-modal");
        b.click("#override-modal [data-action='override-now']");
        b.waitText(MAIN + " [data-role='badge']", "You are editing");

        a.waitText("#banner", "Dr. Alan Johnson took over");
        a.waitText("#banner", "saved as your draft");
        assertThat(a.find("#f-notes").isEnabled()).isFalse();
        a.screenshot("5-displaced-banner");
        b.waitText(MAIN + " [data-role='displaced-draft']", "Dr. Mei Chen's unsaved changes are kept as their draft");
        assertThat(b.find(MAIN + " [data-role='displaced-draft']").getText()).as("never merged into the new editor's form")
                .contains("not in this form");
        assertThat(b.value("#f-notes")).doesNotContain("Block wearing off");
        b.screenshot("14-new-editor-sees-displaced-draft");

        a.click("#banner button:nth-of-type(2)");
        a.waitVisible("#leave-note-modal");
        a.type("#leave-note", "Bolus given 13:55, not yet charted.");
        a.click("#leave-note-modal [data-action='send-note']");
        a.waitText("#banner", "Your note was passed on to Dr. Alan Johnson");
        b.waitVisible("#note-left-modal");
        assertThat(b.find("#note-left-modal").getText()).contains("Bolus given 13:55, not yet charted.");
        b.click("#note-left-modal [data-action='OK']");

        b.type("#f-rate_ml_h", "0");
        b.click(MAIN + " [data-action='save-release']");
        b.waitText("#banner", "Saved version 2");

        a.click("#banner button");
        a.waitVisible("#merge-modal");
        a.waitText("#merge-modal", "Kept your changes to: Notes");
        assertThat(a.find("#merge-modal").getText()).contains("Rate (ml/h)");
        a.assertAccessible("the merge view");
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
        moveHereIfHeldByTheLostTab(again);
        again.waitText(MAIN + " [data-role='badge']", "You are editing");
        again.waitValue("#f-notes", "Dressing changed, site clean and dry.");
        again.click(MAIN + " [data-action='save']");
        again.waitText("#banner", "Saved version 2");
        assertThat(baton.call("GET", "/api/autosave/restore/catheter/c-2001", baton.token("okafor"), null).status())
                .as("the save deleted the draft").isEqualTo(404);
    }

    @Test
    void issue13_chromiumKilledMidTyping_reopenedOnTheSameProfile_theTextIsThere() {
        start(Map.of());
        Browser a = editing("okafor", "/record?type=catheter&id=c-2002");
        a.type("#f-notes", "Site red, 2 cm erythema; informed the anaesthetist.");
        keptOnDevice(a);
        a.kill();
        browsers.remove(a);
        System.out.println("after the kill the server " + (baton.call("GET", "/api/autosave/mine", baton.token("okafor"), null).body()
                .path("drafts").isEmpty() ? "had no draft yet: only the device had the text" : "had the draft too"));

        Browser again = Browser.reopen(baton.base(), "okafor", a.profile);
        browsers.add(again);
        again.signIn();
        again.open("/record?type=catheter&id=c-2002");
        again.waitVisible("#draft-modal");
        assertThat(again.find("#draft-modal").getText()).contains("You have unsaved changes to Catheter from");
        again.assertAccessible("the draft recovery prompt");
        again.screenshot("15-restored-draft");
        again.click("#draft-modal [data-action='restore-draft']");
        moveHereIfHeldByTheLostTab(again);
        again.waitText(MAIN + " [data-role='badge']", "You are editing");
        again.waitValue("#f-notes", "Site red, 2 cm erythema; informed the anaesthetist.");
        again.waitFor(() -> baton.call("GET", "/api/autosave/restore/catheter/c-2002", baton.token("okafor"), null).body()
                .at("/data/fields/notes").asText().equals("Site red, 2 cm erythema; informed the anaesthetist."));
        a.deleteProfile();
    }

    @Test
    void issue13_serverStoppedWhileTyping_comesBack_theDraftIsSentAndRestored() {
        String secret = "browser-test-secret-0123456789-abcdef";
        Map<String, String> env = Map.of("BATON_JWT_SECRET", secret, "LOCK_GRACE_PERIOD", "5");
        start(env);
        int port = baton.server.port();
        String token = TestBaton.signedToken(secret, "okafor", "Nurse Grace Okafor", "nurse", Instant.now());
        var created = baton.call("POST", "/api/records/catheter", token, Map.of("id", "c-7001", "fields",
                Map.of("patient_id", "p-1001", "catheter_type", "epidural", "site", "T8-9")));
        assertThat(created.status()).isEqualTo(201);
        Browser a = Browser.withToken(baton.base(), "okafor", token, "{\"userId\":\"okafor\",\"name\":\"Nurse Grace Okafor\",\"role\":\"nurse\"}");
        browsers.add(a);
        a.expectConsole("ERR_CONNECTION_REFUSED|WebSocket connection to|Failed to load resource");
        a.open("/record?type=catheter&id=c-7001");
        a.click(MAIN + " [data-action='edit']");
        a.waitText(MAIN + " [data-role='badge']", "You are editing");
        a.type("#f-notes", "Top-up given at 10:05");
        keptOnDevice(a);

        baton.close();
        a.find("#f-notes").sendKeys("; patient comfortable, block to T6.");
        a.waitText(MAIN + " [data-role='autosave']", "Kept on this device; not on the server yet", Duration.ofSeconds(15));
        a.screenshot("16-offline-kept-on-device");

        baton = new TestBaton(dir, Map.of("BATON_JWT_SECRET", secret, "LOCK_GRACE_PERIOD", "5", "BATON_PORT", Integer.toString(port)),
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        a.waitText(MAIN + " [data-role='autosave']", "Draft saved", Duration.ofSeconds(30));
        String typed = "Top-up given at 10:05; patient comfortable, block to T6.";
        // Polled: once, in a full suite on a loaded machine, the server's draft read at the instant the page showed
        // "Draft saved" had notes null; alone the test passes. Not explained yet; what must hold is that everything typed
        // reaches the server, within a bound (a draft that never arrives still fails here).
        org.awaitility.Awaitility.await("the server has everything typed while it was down").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(baton.call("GET", "/api/autosave/restore/catheter/c-7001", token, null).body()
                        .at("/data/fields/notes").asText()).isEqualTo(typed));

        a.open("/record?type=catheter&id=c-7001");
        a.waitVisible("#draft-modal");
        a.click("#draft-modal [data-action='restore-draft']");
        moveHereIfHeldByTheLostTab(a);
        a.waitText(MAIN + " [data-role='badge']", "You are editing");
        a.waitValue("#f-notes", typed);
        a.click(MAIN + " [data-action='save']");
        a.waitText("#banner", "Saved version 2");
    }

    @Test
    void issue13_anotherUserOnTheSameBrowser_cannotReadTheFirstUsersLocalDraft_andSignOutRemovesIt() {
        start(Map.of());
        Browser a = editing("okafor", "/record?type=catheter&id=c-2002");
        a.type("#f-notes", "Confidential: patient disclosed a history of opioid misuse.");
        keptOnDevice(a);

        a.signInAs("lindqvist");
        a.open("/record?type=catheter&id=c-2002");
        a.waitFor(() -> "true".equals(a.driver.executeScript("return document.body.dataset.restored")));
        assertThat(a.findAll("#draft-modal")).as("no draft offered to the next person").isEmpty();
        assertThat(a.value("#f-notes")).doesNotContain("opioid");
        Object seen = a.driver.executeAsyncScript(LOCAL_DRAFTS_PROBE);
        assertThat(seen.toString()).as("on the device: rows exist, none readable or findable by another user")
                .startsWith("rows=1 readable=0 plaintext=false");

        a.signInAs("okafor");
        a.open("/records");
        assertThat(a.driver.executeAsyncScript(LOCAL_DRAFTS_PROBE).toString()).startsWith("rows=1 readable=1 plaintext=false");
        a.click("header button[data-action='sign-out']");
        a.waitText("#signed-out", "removed from this device");
        assertThat(a.driver.executeAsyncScript(RAW_ROWS).toString()).isEqualTo("0");
        assertThat(baton.call("GET", "/api/autosave/restore/catheter/c-2002", baton.token("okafor"), null).body()
                .at("/data/fields/notes").asText()).as("sent to the server before it left the device").contains("opioid");
    }

    /** Opens the device's draft store with the signed-in user's key: how many rows, how many this user can read. */
    static final String LOCAL_DRAFTS_PROBE = """
            const done = arguments[arguments.length - 1];
            import("/js/local-drafts.js").then(async ({ LocalDrafts }) => {
              const local = await LocalDrafts.open({ token: sessionStorage.getItem("baton.token") });
              const rows = await new Promise((r) => { const q = local.db.transaction("drafts").objectStore("drafts").getAll(); q.onsuccess = () => r(q.result); });
              const text = rows.map((row) => new TextDecoder("latin1").decode(row.sealed)).join("");
              done(`rows=${rows.length} readable=${(await local.list()).length} plaintext=${/opioid|c-2002|okafor/.test(text)}`);
            }, (e) => done("failed " + e));
            """;

    static final String RAW_ROWS = """
            const done = arguments[arguments.length - 1];
            const open = indexedDB.open("baton-local-drafts", 1);
            open.onsuccess = () => { const q = open.result.transaction("drafts").objectStore("drafts").count(); q.onsuccess = () => done(String(q.result)); };
            """;

    @Test
    void issue13_aNewRecordsDraft_isKeptAndListed_untilTheRecordIsCreated() {
        start(Map.of());
        Browser a = browser("okafor").open("/records?type=catheter");
        a.click("#new-record");
        a.waitFor(() -> "true".equals(a.driver.executeScript("return document.body.dataset.restored")));
        assertThat(a.find(MAIN + " [data-role='badge']").getText()).isEqualTo("New record, not created yet");
        String url = a.driver.getCurrentUrl();
        String id = url.substring(url.indexOf("new=") + 4);
        a.type("#f-patient_id", "p-1003");
        a.type("#f-site", "L2-3");
        keptOnDevice(a);

        a.open("/records?type=catheter");
        a.waitText("#new-drafts", "Unsaved new records");
        assertThat(a.find("#new-drafts").getText()).contains(id);
        a.click("#new-drafts a");
        a.waitVisible("#draft-modal");
        a.click("#draft-modal [data-action='restore-draft']");
        a.waitValue("#f-site", "L2-3");
        a.driver.findElement(org.openqa.selenium.By.cssSelector("#f-catheter_type")).sendKeys("epidural");
        a.click("[data-action='create']");
        a.waitFor(() -> a.driver.getCurrentUrl().endsWith("id=" + id));
        a.waitVisible("body[data-ready='true']");
        assertThat(baton.call("GET", "/api/records/catheter/" + id, baton.token("okafor"), null).body().at("/fields/site").asText()).isEqualTo("L2-3");
        assertThat(baton.call("GET", "/api/autosave/mine", baton.token("okafor"), null).body().path("drafts").isEmpty())
                .as("a created record needs no draft").isTrue();
    }

    @Test
    void issue13_queueAskAndTakeoverModals_workFromTheKeyboardAlone() {
        start(Map.of());
        Browser holder = editing("sharma", "/record?type=drug_regime&id=d-3001");
        Browser b = browser("johnson").open("/record?type=drug_regime&id=d-3001");
        b.waitText(MAIN + " [data-role='badge']", "Dr. Priya Sharma is editing");

        tabTo(b, MAIN + " [data-action='edit']");
        b.keys(Keys.ENTER);
        b.waitVisible("#queue-modal");
        assertThat(b.focused().getDomAttribute("data-action")).as("focus moves into the modal").isEqualTo("join-queue");
        b.keys(Keys.ESCAPE);
        b.waitGone("#queue-modal");
        assertThat(b.focused().getDomAttribute("data-action")).as("Escape returns the focus").isEqualTo("edit");

        b.keys(Keys.ENTER);
        b.waitVisible("#queue-modal");
        b.keys(Keys.TAB);
        b.keys(Keys.TAB);
        assertThat(b.focused().getDomAttribute("data-action")).isEqualTo("ask");
        b.keys(Keys.ENTER);
        b.waitVisible("#ask-modal");
        assertThat(b.focused().getDomAttribute("id")).isEqualTo("ask-message");
        b.keys("Rate change for the infusion, may I?");
        b.keys(Keys.TAB);
        b.keys(Keys.ENTER);

        holder.waitVisible("#ask-received-modal");
        assertThat(holder.focused().getDomAttribute("id")).as("the note field first").isEqualTo("note-ask");
        holder.assertAccessible("the hand-over request");
        holder.keys("Dose checked at 09:00.");
        holder.keys(Keys.TAB);
        holder.keys(Keys.ENTER);

        b.waitText(MAIN + " [data-role='badge']", "You are editing");
        b.waitVisible("#handover-note-modal");
        assertThat(b.find("#handover-note-modal").getText()).contains("Dose checked at 09:00.");
        b.keys(Keys.ESCAPE);

        tabTo(holder, MAIN + " [data-action='edit']");
        holder.keys(Keys.ENTER);
        holder.waitVisible("#queue-modal");
        for (int i = 0; i < 3; i++) {
            holder.keys(Keys.TAB);
        }
        assertThat(holder.focused().getDomAttribute("data-action")).isEqualTo("override");
        holder.keys(Keys.ENTER);
        holder.waitVisible("#override-modal");
        assertThat(holder.focused().getDomAttribute("id")).isEqualTo("override-reason");
        holder.keys("Hypotension, stopping the infusion");
        holder.keys(Keys.TAB);
        holder.keys(Keys.ENTER);
        holder.waitText(MAIN + " [data-role='badge']", "You are editing");
        b.waitText("#banner", "Dr. Priya Sharma took over");
    }

    /** Presses Tab until {@code css} has the focus (bounded), as a keyboard user would. */
    static void tabTo(Browser b, String css) {
        var target = b.find(css);
        for (int i = 0; i < 60 && !b.focused().equals(target); i++) {
            b.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(b.focused()).as("Tab reaches " + css).isEqualTo(target);
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
        admin.assertAccessible("the force-release modal");
        admin.click("#force-release-modal [data-action='confirm-force-release']");
        admin.waitGone("tr[data-resource='catheter:c-2002:main']");
        admin.waitText("#audit", "ADMIN");

        a.waitText("#banner", "An administrator released your lock");
        a.waitText("#banner", "Left on the ward PC overnight");
        a.waitText(MAIN + " [data-role='badge']", "Available");
        a.screenshot("10-admin-released");
    }

    /**
     * The lock goes while the holder has typed and not saved (an admin release here; a lapsed grace or a release does
     * the same), someone else saves the record meanwhile, and the holder edits again: what was typed comes back on top
     * of the newer version, and neither the draft nor the save loses it or writes over the other's change.
     */
    @Test
    void typingKeptWhenTheLockWent_comesBackOnTheNextEdit_onTopOfWhatOthersSavedMeanwhile() {
        start(Map.of());
        Browser a = editing("chen", "/record?type=catheter&id=c-2002");
        a.type("#f-notes", "Dressing changed at 09:40");
        keptOnDevice(a);

        adminReleases("catheter:c-2002:main");
        a.waitText("#banner", "An administrator released your lock");
        a.waitText(MAIN + " [data-role='badge']", "Available");
        a.waitText(MAIN + " [data-role='kept-typing']", "come back into this form when you edit again");

        TestBaton.RestTab okafor = baton.tab("okafor");
        savesAsVersion(okafor, "catheter", "c-2002", Map.of("side", "left"), 2);
        a.waitValue("#f-side", "left");

        a.click(MAIN + " [data-action='edit']");
        a.waitText(MAIN + " [data-role='badge']", "You are editing");
        a.waitValue("#f-notes", "Dressing changed at 09:40");
        a.waitValue("#f-side", "left");
        a.waitText("#banner", "your changes are on top of it");
        a.find("#f-notes").sendKeys("; site clean.");
        String typed = "Dressing changed at 09:40; site clean.";
        org.awaitility.Awaitility.await("the server's draft has everything typed").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(baton.call("GET", "/api/autosave/restore/catheter/c-2002", baton.token("chen"), null).body()
                        .at("/data/fields/notes").asText()).isEqualTo(typed));
        a.click(MAIN + " [data-action='save']");
        a.waitText("#banner", "Saved version 3");
        var saved = baton.call("GET", "/api/records/catheter/c-2002", okafor.token, null).body();
        assertThat(saved.at("/fields/notes").asText()).isEqualTo(typed);
        assertThat(saved.at("/fields/side").asText()).isEqualTo("left");
        a.screenshot("18-typing-kept-after-the-lock-went");

        // Again, but the other editor changes the same field: the next edit opens the merge view, mine is chosen.
        a.type("#f-notes", "Catheter to stay until 18:00");
        keptOnDevice(a);
        adminReleases("catheter:c-2002:main");
        a.waitText(MAIN + " [data-role='kept-typing']", "come back into this form when you edit again");
        savesAsVersion(okafor, "catheter", "c-2002", Map.of("notes", "Removed at 14:00"), 4);
        a.click(MAIN + " [data-action='edit']");
        a.waitVisible("#merge-modal tr[data-field='notes']");
        a.click("#merge-modal input[name='merge-notes'][value='mine']");
        a.click("#merge-modal [data-action='save-merge']");
        a.waitText("#banner", "Saved version 5");
        assertThat(baton.call("GET", "/api/records/catheter/c-2002", okafor.token, null).body().at("/fields/notes").asText())
                .isEqualTo("Catheter to stay until 18:00");
    }

    void adminReleases(String resourceId) {
        assertThat(baton.call("POST", "/api/admin/locks/force-release", baton.token("rivera"),
                Map.of("resourceId", resourceId, "reason", "Ward round handover")).status()).isEqualTo(200);
    }

    /** Another editor takes the record's lock over REST, saves {@code fields} as {@code version}, and releases. */
    void savesAsVersion(TestBaton.RestTab editor, String type, String id, Map<String, Object> fields, int version) {
        String lease = editor.post("/api/locks/acquire", Map.of("resourceId", type + ":" + id)).body().at("/lease/leaseId").asText();
        assertThat(baton.call("PUT", "/api/records/" + type + "/" + id, editor.token, Map.of("fields", fields),
                Map.of("If-Match", "\"" + (version - 1) + "\"", "X-Lease-Id", lease)).status()).isEqualTo(200);
        assertThat(editor.post("/api/locks/release", Map.of("resourceId", type + ":" + id, "leaseId", lease)).status()).isEqualTo(200);
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
        assertThat(a.unexpectedConsoleErrors()).as("no page errors").isEmpty();
        a.screenshot("13-locks-turned-off");
    }

    @Test
    void issue15_dashboardStatistics_onAGeneratedMonth_atDesktopAndTabletWidth_eachContentiousRecordLinksToIt() {
        java.util.Map<String, String> env = new java.util.HashMap<>(Map.of("BATON_DATA_DIR", dir.toString()));
        env.putAll(TestBaton.storeEnvironment(dir));
        try (var stores = org.baton.server.store.Stores.open(org.baton.server.config.BatonConfig.fromEnvironment(env))) {
            assertThat(org.baton.server.demo.DemoMonth.writeIfEmpty(stores.records, stores.audit, Instant.now(), 15)).isNotNull();
        }
        start(Map.of());
        Browser admin = browser("rivera");
        admin.resize(1280, 2000);
        admin.open("/admin");
        new org.openqa.selenium.support.ui.Select(admin.find("#stats-filters select[name='range']")).selectByValue("30d");
        admin.click("#stats-filters button[type='submit']");
        // Read in the page: the figures are replaced whole when they arrive, so an element found earlier may be gone.
        admin.waitFor(() -> Long.parseLong(String.valueOf(admin.driver.executeScript(
                "return document.querySelector(\"[data-summary='edits'] .value\")?.textContent || '0'"))) > 2_000);
        admin.waitFor(() -> admin.findAll(".chart .plot canvas").size() == 6);
        admin.waitVisible("#contentious-records tbody tr[data-record] a");
        assertThat(admin.find("#override-reasons tbody").getText()).contains("emergency");
        admin.click("#verify");
        admin.waitText("[data-health='verification']", "intact");
        admin.assertAccessible("the statistics for 30 days");
        admin.driver.executeScript("document.getElementById('h-health').scrollIntoView()");
        admin.screenshot("16-statistics");
        admin.resize(820, 1180);
        admin.driver.executeScript("document.getElementById('h-stats').scrollIntoView()");
        admin.waitFor(() -> ((Number) admin.driver.executeScript("return document.querySelector('.chart .plot canvas').width")).intValue() < 800);
        admin.screenshot("17-statistics-tablet");
        String record = admin.find("#contentious-records tbody tr[data-record] a").getText();
        admin.click("#contentious-records tbody tr[data-record] a");
        admin.waitFor(() -> admin.driver.getCurrentUrl().contains("/record?type=" + record.substring(0, record.indexOf(':'))));
    }

    @Test
    void everyPage_passesAxe_andShowsNoConsoleErrorOrCspViolation() {
        start(Map.of());
        Browser admin = browser("rivera");
        for (String page : List.of("/records", "/records?type=catheter", "/record?type=patient&id=p-1001", "/admin")) {
            admin.open(page);
        }
        admin.driver.get(baton.base() + "/");
        admin.assertAccessible("/");
        admin.driver.get(baton.base() + "/signin");
        admin.waitVisible("button[data-user-id='okafor']");
        admin.assertAccessible("/signin");
        assertThat(admin.unexpectedConsoleErrors()).as("no 404, no CSP violation, no uncaught error").isEmpty();
    }
}
