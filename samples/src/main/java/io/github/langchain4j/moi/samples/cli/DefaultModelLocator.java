package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the model comes from when {@code --model} is not given: the system property {@value #PROPERTY}, else the
 * environment variable {@value #ENV}, else the library's default model.
 */
public final class DefaultModelLocator {

    static final String PROPERTY = "moi.model";
    static final String ENV = "MOI_MODEL";

    private DefaultModelLocator() {
    }

    /** The model file to use when {@code --model} is not given. */
    public static Path defaultModelPath() {
        return configuredModelPath().orElseGet(() -> new ModelCache().withProgress(FetchProgressPrinter.forStderr())
                .resolve(KnownModel.DEFAULT));
    }

    /** A known model's file in the cache, fetched (with progress on stderr) if it is not there yet. */
    public static Path knownModelPath(KnownModel model) {
        return new ModelCache().withProgress(FetchProgressPrinter.forStderr()).resolve(model);
    }

    /** The model named by the system property or the environment, if any. */
    static Optional<Path> configuredModelPath() {
        return Optional.ofNullable(nonBlank(System.getProperty(PROPERTY)))
                .or(() -> Optional.ofNullable(nonBlank(System.getenv(ENV))))
                .map(Path::of);
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
