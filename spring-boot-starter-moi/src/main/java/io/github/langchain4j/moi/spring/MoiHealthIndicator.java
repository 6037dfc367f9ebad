package io.github.langchain4j.moi.spring;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health of the MoI chat model: UP once loaded, with its file, context size, busy sequences and the last error.
 */
public class MoiHealthIndicator extends AbstractHealthIndicator {

    private final MoiChatModelMonitor monitor;

    public MoiHealthIndicator(MoiChatModelMonitor monitor) {
        super("MoI chat model health check failed");
        this.monitor = monitor;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (!monitor.isLoaded()) {
            builder.unknown().withDetail("loaded", false);
            return;
        }
        builder.up()
                .withDetail("loaded", true)
                .withDetail("modelPath", String.valueOf(monitor.modelPath()))
                .withDetail("modelName", String.valueOf(monitor.modelName()))
                .withDetail("contextSize", monitor.contextSize())
                .withDetail("busySequences", monitor.busySequences())
                .withDetail("completed", monitor.completed())
                .withDetail("failed", monitor.failed());
        MoiChatModelMonitor.LastError lastError = monitor.lastError();
        if (lastError != null) {
            builder.withDetail("lastError", lastError.type() + ": " + lastError.message())
                    .withDetail("lastErrorAt", lastError.at().toString());
        }
    }
}
