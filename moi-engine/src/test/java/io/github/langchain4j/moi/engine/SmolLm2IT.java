package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TestModels;
import io.github.langchain4j.moi.testing.TestRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SmolLM2-135M-Instruct, a third architecture (llama) from a real file, on the runtime {@link TestRuntime} names
 * (failsafe runs it on both); its embedding path is checked in {@link EmbeddingPathIT}.
 */
class SmolLm2IT {

    private static MoiEngine engine;

    @BeforeAll
    static void load() {
        engine = MoiEngine.load(TestRuntime.config(TestModels.smolLm2()).withContextSize(512));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void its_jinja_chat_template_renders_chatml_with_the_default_system_message() {
        PromptText prompt = engine.applyChatTemplate(List.of(new ChatTurn("user", "What is the capital of France?")), true);
        assertThat(engine.architecture()).isEqualTo("llama");
        assertThat(engine.runtime()).isEqualTo(TestRuntime.runtime());
        assertThat(prompt.asString())
                .startsWith("<|im_start|>system\n")
                .contains("<|im_start|>user\nWhat is the capital of France?<|im_end|>\n")
                .endsWith("<|im_start|>assistant\n");
    }
}
