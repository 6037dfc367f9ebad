package io.github.langchain4j.moi.engine;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import io.github.langchain4j.moi.testing.TestModels;
import io.github.langchain4j.moi.llamacpp.NativeLibrary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peer check: greedy standard decoding through our loop equals java-llama.cpp's own {@link LlamaModel}
 * for the same model, prompt and number of tokens.
 */
class JavaLlamaCppPeerIT {

    private static final int TOKENS = 32;

    @Test
    void greedy_off_matches_java_llama_cpp() {
        PromptText prompt;
        String ours;
        try (MoiEngine engine = MoiEngine.load(EngineConfig.of(TestModels.defaultModel()).withContextSize(512))) {
            prompt = engine.applyChatTemplate(List.of(new ChatTurn("user", "Name the planets of the solar system.")), true);
            GenerationResult result = engine.generate(GenerationRequest.of(prompt, SamplingOptions.GREEDY, MoiOptions.OFF, TOKENS), null);
            assertThat(result.outputTokens()).isEqualTo(TOKENS);
            ours = result.text();
        }
        // java-llama.cpp loads the very same library file, so both sides run the same llama.cpp build
        System.setProperty(NativeLibrary.LIB_PATH_PROPERTY, NativeLibrary.loadedFrom().getParent().toString());
        ModelParameters modelParameters = new ModelParameters()
                .setModel(TestModels.defaultModel().toString())
                .setCtxSize(512)
                .setThreads(Runtime.getRuntime().availableProcessors())
                .setGpuLayers(0);
        try (LlamaModel peer = new LlamaModel(modelParameters)) {
            String theirs = peer.complete(new InferenceParameters(prompt.asString())
                    .setTemperature(0f)
                    .setNPredict(TOKENS)
                    .setCachePrompt(false));
            assertThat(ours).isEqualTo(theirs);
        }
    }
}
