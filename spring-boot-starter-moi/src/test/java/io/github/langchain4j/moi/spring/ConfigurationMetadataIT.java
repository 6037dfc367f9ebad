package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanWrapperImpl;

/**
 * The built jar (an integration test: it runs after packaging) carries the generated configuration metadata, with
 * a description for every property and the defaults, so that IDEs show them.
 */
class ConfigurationMetadataIT {

    @Test
    void theJarListsEveryPropertyWithItsDescription() throws Exception {
        Path jar = Path.of(System.getProperty("starter.jar", "target/langchain4j-moi-spring-boot-starter.jar"));
        assertThat(jar).exists();
        Map<String, JsonNode> properties = new HashMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))
                    .isNotNull();
            ZipEntry entry = file.getEntry("META-INF/spring-configuration-metadata.json");
            assertThat(entry).as("metadata in %s", jar).isNotNull();
            try (InputStream in = file.getInputStream(entry)) {
                new ObjectMapper().readTree(in).path("properties")
                        .forEach(property -> properties.put(property.path("name").asText(), property));
            }
        }

        for (var descriptor : new BeanWrapperImpl(new MoiChatModelProperties()).getPropertyDescriptors()) {
            if (descriptor.getWriteMethod() == null) {
                continue;
            }
            String name = MoiChatModelProperties.PREFIX + "." + MoiChatModelFactory.kebab(descriptor.getName());
            assertThat(properties).as("metadata of %s", name).containsKey(name);
            assertThat(properties.get(name).path("description").asText()).as("description of %s", name).isNotBlank();
        }
        assertThat(properties.get("langchain4j.moi.chat-model.temperature").path("defaultValue").asDouble())
                .isEqualTo(0.6);
        assertThat(properties.get("langchain4j.moi.chat-model.mode").path("defaultValue").asText()).isEqualTo("moi");
        assertThat(properties.get("langchain4j.moi.chat-model.model-path").path("description").asText())
                .contains("default model");
        assertThat(Files.size(jar)).isPositive();
    }
}
