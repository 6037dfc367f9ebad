package io.github.langchain4j.moi.spring;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.nio.file.Path;

/**
 * Health of the MoI chat model: UP once loaded, with its file, context size, busy sequences and the last error.
 *
 * <p>Health details may be shown to anyone ({@code management.endpoint.health.show-details=always}), so the
 * model is named by its file name only, and its folder is removed from error messages, unless
 * {@code management.health.moi.show-model-path=true} asks for the full path.
 */
public class MoiHealthIndicator extends AbstractHealthIndicator {

    private final MoiChatModelMonitor monitor;
    private final boolean showModelPath;

    public MoiHealthIndicator(MoiChatModelMonitor monitor) {
        this(monitor, false);
    }

    public MoiHealthIndicator(MoiChatModelMonitor monitor, boolean showModelPath) {
        super("MoI chat model health check failed");
        this.monitor = monitor;
        this.showModelPath = showModelPath;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (!monitor.isLoaded()) {
            builder.unknown().withDetail("loaded", false);
            return;
        }
        Path path = monitor.modelPath();
        builder.up()
                .withDetail("loaded", true)
                .withDetail(showModelPath ? "modelPath" : "modelFile", showModelPath || path == null
                        ? String.valueOf(path) : String.valueOf(path.getFileName()))
                .withDetail("modelName", String.valueOf(monitor.modelName()))
                .withDetail("contextSize", monitor.contextSize())
                .withDetail("busySequences", monitor.busySequences())
                .withDetail("completed", monitor.completed())
                .withDetail("failed", monitor.failed());
        MoiChatModelMonitor.LastError lastError = monitor.lastError();
        if (lastError != null) {
            builder.withDetail("lastError", lastError.type() + ": " + withoutFolder(lastError.message(), path))
                    .withDetail("lastErrorAt", lastError.at().toString());
        }
    }

    /** The message with the model's folder left out, so that only the file name remains. */
    private String withoutFolder(String message, Path path) {
        if (showModelPath || message == null || path == null || path.getParent() == null) {
            return message;
        }
        String folder = path.toAbsolutePath().getParent().toString() + java.io.File.separator;
        return message.replace(folder, "");
    }
}
