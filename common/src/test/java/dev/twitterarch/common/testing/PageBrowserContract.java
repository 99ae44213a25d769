package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The page at {@code /} in a real browser: {@code browser-test/page-test.mjs} (Node.js and
 * playwright-core driving Debian's Chromium) against this step, started on a random port as
 * deployed (X-User-ID not trusted, users log in). Two users sign up, A follows B, B posts and A's
 * page shows the tweet without a click; then markup, paging, delete, unfollow, log out and in. The
 * screenshots and the script's log are kept in {@code target/browser-test/}.
 *
 * <p>Needs {@code node}, Chromium ({@code /usr/bin/chromium}, or {@code CHROMIUM=...}) and
 * {@code browser-test/node_modules} ({@code npm ci}); {@code .ci/run} installs them. Without
 * them the test is skipped with one line saying what is missing, except under CI ({@code CI=true}),
 * where it fails. One empty subclass per step that runs it; a step with live delivery overrides
 * {@link #mode()}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TokenFeedContract.TokenMode.class)
public abstract class PageBrowserContract {

    private static final Path OUT = Path.of("target", "browser-test").toAbsolutePath();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Value("${spring.application.name}")
    String step;

    /** {@code poll}: the page polls (every step without live delivery); {@code live}: tweets are pushed. */
    protected String mode() {
        return "poll";
    }

    @Test
    void twoUsersFollowPostAndSeeEachOthersTweetsInTheBrowser() throws Exception {
        Path script = repositoryRoot().resolve("browser-test").resolve("page-test.mjs");
        requirePrerequisites(script.getParent());
        Files.createDirectories(OUT);
        Path log = OUT.resolve("page-test.log");
        Process node = new ProcessBuilder("node", script.toString(), "http://127.0.0.1:" + port, OUT.toString(), step, mode())
                .directory(script.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = node.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            node.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("browser-test/page-test.mjs (log and screenshots in " + OUT + "):\n" + output);
        assertThat(finished).as("the browser test finished within 3 minutes").isTrue();
        assertThat(node.exitValue()).as("exit status of the browser test; its output:\n%s", output).isZero();
        assertThat(OUT.resolve("feed-of-a.png")).exists();
    }

    /** The module's directory is the working directory of its tests; the repository root holds browser-test/. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("browser-test").resolve("package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no browser-test/package.json above " + Path.of("").toAbsolutePath());
    }

    private static void requirePrerequisites(Path browserTest) {
        String missing = null;
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        if (!runs("node", "--version")) {
            missing = "node is not installed (Node.js 20 or later)";
        } else if (!Files.isExecutable(Path.of(chromium))) {
            missing = "Chromium is not installed at " + chromium + " (apt-get install -y chromium, or set CHROMIUM)";
        } else if (!Files.isDirectory(browserTest.resolve("node_modules").resolve("playwright-core"))) {
            missing = "browser-test/node_modules is missing (cd browser-test && npm ci)";
        }
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("the browser test cannot run under CI: " + missing + "; .ci/run installs it");
        }
        System.out.println("PageBrowserContract: the browser test is skipped: " + missing);
        Assumptions.abort("the browser test is skipped: " + missing);
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
