package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** A real application start: the analyzer is registered, so the user sees a report instead of a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class MoiFailureAnalyzerRegistrationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    @Test
    void reportsAMissingModelFileAsAFailedStartNamingTheProperty(CapturedOutput output) {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        assertThatThrownBy(() -> application.run(
                "--langchain4j.moi.chat-model.model-path=/no/such/model.gguf", "--spring.jmx.enabled=false"))
                .hasRootCauseInstanceOf(MoiChatModelStartupException.class);

        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property: langchain4j.moi.chat-model.model-path")
                .contains("Value:    /no/such/model.gguf")
                .contains("Reason:   the file does not exist")
                .contains("Set langchain4j.moi.chat-model.model-path to a readable GGUF model file");
    }
}
