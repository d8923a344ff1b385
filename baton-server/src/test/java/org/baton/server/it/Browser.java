package org.baton.server.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium window signed in as one user, driven through chromedriver. Waits are bounded polls
 * (WebDriverWait), never sleeps; {@link #screenshot} writes into {@code target/screenshots/}.
 *
 * <p>Every page {@link #open}ed is checked with axe-core (no accessibility violations), and {@link #close} fails when
 * the console shows an error the test did not {@link #expectConsole expect} — a failed request, a Content-Security-
 * Policy violation, an uncaught exception. A browser can be {@link #kill}ed like a crashing laptop and a new one
 * started on the same profile ({@link #reopen}).
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path AXE = Path.of("src/test/a11y/node_modules/axe-core/axe.min.js");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    final ChromeDriver driver;
    final String base;
    String userId;
    final Path profile;
    private final ChromeDriverService service;
    private final boolean ownsProfile;
    private final List<String> console = new ArrayList<>();
    private final List<Pattern> expected = new ArrayList<>();
    private boolean killed;

    /** A new profile, signed in through the demo sign-in page. */
    Browser(TestBaton baton, String userId) {
        this(baton.base(), userId, newProfile(), true);
        signIn();
    }

    private Browser(String base, String userId, Path profile, boolean ownsProfile) {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            throw new AssertionError("The browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): run ./test.sh, which installs them, or 'apt-get install chromium chromium-driver'.");
        }
        this.base = base;
        this.userId = userId;
        this.profile = profile;
        this.ownsProfile = ownsProfile;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        this.service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    /**
     * A new browser process on an existing profile (its IndexedDB, its cookies), not signed in yet. The killed
     * browser's profile lock is removed first, as a reboot after a dead battery would find it stale.
     */
    static Browser reopen(String base, String userId, Path profile) {
        for (String lock : List.of("SingletonLock", "SingletonSocket", "SingletonCookie")) {
            try {
                Files.deleteIfExists(profile.resolve(lock));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Browser(base, userId, profile, false);
    }

    /** A new profile signed in by putting a token into the tab, as an identity provider's login would. */
    static Browser withToken(String base, String userId, String token, String userJson) {
        Browser b = new Browser(base, userId, newProfile(), true);
        b.driver.get(base + "/");
        b.driver.executeScript("sessionStorage.setItem('baton.token', arguments[0]); sessionStorage.setItem('baton.user', arguments[1]);",
                token, userJson);
        return b;
    }

    private static Path newProfile() {
        try {
            return Files.createTempDirectory("baton-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void signIn() {
        driver.get(base + "/signin?next=/records");
        click("button[data-user-id='" + userId + "']");
        waitFor(() -> driver.getCurrentUrl().equals(base + "/records"));
    }

    /** Another user signs in at the same browser (a shared workstation), without the first one signing out. */
    void signInAs(String otherUserId) {
        userId = otherUserId;
        signIn();
    }

    /** Opens a page, waits until its script says it is ready, and checks it with axe-core. */
    Browser open(String path) {
        driver.get(base + path);
        try {
            waitVisible("body[data-ready='true']");
        } catch (RuntimeException e) {
            String page = driver.getPageSource();
            throw new AssertionError(path + " did not get ready; url " + driver.getCurrentUrl() + "; page errors: "
                    + driver.executeScript("return window.__batonErrors") + "; requests: " + driver.executeScript(
                            "return performance.getEntriesByType('resource').map(e => e.name.replace(location.origin, '')"
                                    + " + ' ' + Math.round(e.startTime) + '+' + Math.round(e.duration)).join(', ')")
                    + "; console: " + consoleLog() + "; page: " + page.substring(0, Math.min(3000, page.length())), e);
        }
        assertAccessible(path);
        return this;
    }

    /** Runs axe-core on the page as it is now (open modals included); fails listing every violation. */
    void assertAccessible(String where) {
        try {
            if (Boolean.FALSE.equals(driver.executeScript("return typeof window.axe === 'object'"))) {
                driver.executeScript(Files.readString(AXE, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new AssertionError("axe-core is needed for the accessibility checks: run ./test.sh (or scripts/test-deps.sh)", e);
        }
        Object violations = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, { resultTypes: ['violations'] }).then((r) => done(r.violations.map((v) => v.id + ' (' + v.impact + '): '"
                + " + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', '))), (e) => done(['axe failed: ' + e]));");
        if (violations instanceof List<?> list && !list.isEmpty()) {
            throw new AssertionError("axe-core found accessibility violations on " + where + ":\n  " + String.join("\n  ",
                    list.stream().map(String::valueOf).toList()));
        }
    }

    /** Console errors matching {@code pattern} are part of this test's story (a server that was stopped on purpose). */
    Browser expectConsole(String pattern) {
        expected.add(Pattern.compile(pattern));
        return this;
    }

    /** What the page wrote to the console since the last call (chromedriver hands each entry out once); kept for close. */
    List<String> consoleLog() {
        List<String> fresh = driver.manage().logs().get("browser").getAll().stream().map(l -> l.getLevel() + " " + l.getMessage()).toList();
        console.addAll(fresh);
        return fresh;
    }

    /** Console errors (SEVERE) so far that the test did not expect. */
    List<String> unexpectedConsoleErrors() {
        consoleLog();
        return console.stream().filter(line -> line.startsWith("SEVERE")).filter(line -> expected.stream().noneMatch(p -> p.matcher(line).find()))
                .toList();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /**
     * A bounded wait that looks every 50 ms (WebDriverWait's own 500 ms step added a quarter of a second on average to
     * each of the hundreds of waits of the browser tests), and looks again when the page replaced the element it was
     * reading (a re-rendered panel) instead of failing.
     */
    WebDriverWait waiting(Duration atMost) {
        WebDriverWait wait = new WebDriverWait(driver, atMost);
        wait.pollingEvery(Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    WebElement waitVisible(String css) {
        return waiting(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void waitGone(String css) {
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits until the element's text contains {@code text}; returns the element. */
    WebElement waitText(String css, String text) {
        return waitText(css, text, Duration.ofSeconds(10));
    }

    WebElement waitText(String css, String text, Duration atMost) {
        waiting(atMost).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return !found.isEmpty() && found.get(0).getText().contains(text);
        });
        return find(css);
    }

    void waitFor(java.util.function.BooleanSupplier condition) {
        waitFor(condition, Duration.ofSeconds(10));
    }

    void waitFor(java.util.function.BooleanSupplier condition, Duration atMost) {
        waiting(atMost).until(d -> condition.getAsBoolean());
    }

    void click(String css) {
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    void type(String css, String text) {
        WebElement input = waiting(Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)));
        input.clear();
        input.sendKeys(text);
    }

    /** Keys sent to whatever has the focus (keyboard-only use). */
    void keys(CharSequence... keys) {
        driver.switchTo().activeElement().sendKeys(keys);
    }

    /** The element that has the keyboard focus. */
    WebElement focused() {
        return driver.switchTo().activeElement();
    }

    String value(String css) {
        return find(css).getDomProperty("value");
    }

    /**
     * Waits (bounded) until the input's value is {@code expected}, failing with the value it has: the page fills its
     * form after the lock's answer and the record's fetch arrive, a moment after the badge changes.
     */
    void waitValue(String css, String expected) {
        try {
            waiting(Duration.ofSeconds(10)).until(d -> expected.equals(value(css)));
        } catch (org.openqa.selenium.TimeoutException e) {
            org.assertj.core.api.Assertions.assertThat(value(css)).as("the value of " + css).isEqualTo(expected);
        }
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a PNG of the window as {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills this browser's Chromium processes with SIGKILL, as a crash or a dead battery would: nothing gets a chance
     * to save or send anything. Only processes started for this profile are touched, by their process id.
     */
    void kill() {
        String marker = "--user-data-dir=" + profile;
        List<ProcessHandle> chromium = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).toList();
        if (chromium.isEmpty()) {
            throw new AssertionError("no Chromium process runs with " + marker);
        }
        chromium.forEach(ProcessHandle::destroyForcibly);
        killed = true;
        service.stop();
    }

    /** Quits the browser; fails when the console showed an error the test did not expect. */
    @Override
    public void close() {
        List<String> unexpected = List.of();
        try {
            if (!killed) {
                unexpected = unexpectedConsoleErrors();
                console.stream().filter(l -> !l.startsWith("INFO") && !l.startsWith("FINE")).forEach(l -> System.out.println("[browser " + userId + "] " + l));
                driver.quit();
            }
        } finally {
            if (ownsProfile) {
                deleteProfile();
            }
        }
        if (!unexpected.isEmpty()) {
            throw new AssertionError("the browser console of " + userId + " shows errors:\n  " + String.join("\n  ", unexpected));
        }
    }

    void deleteProfile() {
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp profile left behind is harmless
        }
    }
}
