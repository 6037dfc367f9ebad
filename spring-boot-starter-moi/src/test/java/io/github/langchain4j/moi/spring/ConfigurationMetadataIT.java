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
import io.github.langchain4j.moi.testing.AllOptions;
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
        // the properties are not set by default (only what the user sets reaches the builder), so the library's
        // default of each engine option is stated in its description, and must be the library's actual default
        for (String option : AllOptions.names()) {
            String property = MoiChatModelFactory.propertyOf(option);
            Object libraryDefault = AllOptions.libraryDefault(option);
            if (property == null || option.equals("trace") || !(libraryDefault instanceof Number || libraryDefault instanceof Boolean
                    || libraryDefault instanceof Enum<?>)) {
                continue; // described in words: the trace follows the metrics, and the others have no scalar default
            }
            String name = MoiChatModelProperties.PREFIX + "." + MoiChatModelFactory.kebab(property);
            assertThat(properties.get(name).path("description").asText()).as("description of %s", name)
                    .contains("default " + libraryDefault + ".");
        }
        assertThat(properties.get("langchain4j.moi.chat-model.model-path").path("description").asText())
                .contains("default model");
        assertThat(Files.size(jar)).isPositive();
    }
}
