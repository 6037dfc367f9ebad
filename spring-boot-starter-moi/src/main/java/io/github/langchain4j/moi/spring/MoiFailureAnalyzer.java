package io.github.langchain4j.moi.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link MoiChatModelStartupException} as "APPLICATION FAILED TO START" with the property, its value and
 * what to do, instead of a stack trace.
 */
class MoiFailureAnalyzer extends AbstractFailureAnalyzer<MoiChatModelStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MoiChatModelStartupException cause) {
        String description = "The MoI chat model could not start.\n\n"
                + "    Property: " + cause.property() + "\n"
                + "    Value:    " + (cause.value() == null ? "(not set)" : cause.value()) + "\n"
                + "    Reason:   " + cause.reason();
        return new FailureAnalysis(description, cause.action(), cause);
    }
}
