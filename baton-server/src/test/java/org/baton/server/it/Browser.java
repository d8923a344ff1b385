package org.baton.server.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * One headless Debian Chromium window signed in as one demo user, driven through chromedriver. Waits are bounded
 * polls (WebDriverWait), never sleeps; {@link #screenshot} writes into {@code target/screenshots/}.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    final ChromeDriver driver;
    final String base;
    final String userId;
    private final Path profile;

    Browser(TestBaton baton, String userId) {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            throw new AssertionError("The browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): run ./test.sh, which installs them, or 'apt-get install chromium chromium-driver'.");
        }
        this.base = baton.base();
        this.userId = userId;
        try {
            this.profile = Files.createTempDirectory("baton-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        signIn();
    }

    private void signIn() {
        driver.get(base + "/signin?next=/records");
        click("button[data-user-id='" + userId + "']");
        waitFor(() -> driver.getCurrentUrl().equals(base + "/records"));
    }

    /** Opens a page and waits until its script says it is ready. */
    Browser open(String path) {
        driver.get(base + path);
        try {
            waitVisible("body[data-ready='true']");
        } catch (RuntimeException e) {
            String page = driver.getPageSource();
            throw new AssertionError(path + " did not get ready; url " + driver.getCurrentUrl() + "; page errors: "
                    + driver.executeScript("return window.__batonErrors") + "; page: " + page.substring(0, Math.min(3000, page.length())), e);
        }
        return this;
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    WebElement waitVisible(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void waitGone(String css) {
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits until the element's text contains {@code text}; returns the element. */
    WebElement waitText(String css, String text) {
        return waitText(css, text, Duration.ofSeconds(10));
    }

    WebElement waitText(String css, String text, Duration atMost) {
        new WebDriverWait(driver, atMost).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return !found.isEmpty() && found.get(0).getText().contains(text);
        });
        return find(css);
    }

    void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> condition.getAsBoolean());
    }

    void click(String css) {
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    void type(String css, String text) {
        WebElement input = new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)));
        input.clear();
        input.sendKeys(text);
    }

    String value(String css) {
        return find(css).getDomProperty("value");
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

    @Override
    public void close() {
        try {
            for (var entry : driver.manage().logs().get("browser")) {
                if (entry.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    System.out.println("[browser " + userId + "] " + entry.getLevel() + " " + entry.getMessage());
                }
            }
        } catch (RuntimeException e) {
            System.out.println("[browser " + userId + "] no console log: " + e.getMessage());
        }
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp profile left behind is harmless
            }
        }
    }
}
