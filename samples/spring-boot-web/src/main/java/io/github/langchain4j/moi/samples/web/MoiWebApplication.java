package io.github.langchain4j.moi.samples.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web app on a local GGUF model with Mixture-of-Inputs decoding. The chat model comes from
 * langchain4j-moi-spring-boot-starter, configured in application.properties only; {@link Assistant} is an
 * {@code @AiService} wired to it automatically.
 */
@SpringBootApplication
public class MoiWebApplication {

    public static void main(String[] args) {
        SpringApplication.run(MoiWebApplication.class, args);
    }
}
