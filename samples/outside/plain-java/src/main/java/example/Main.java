package example;

import io.github.langchain4j.moi.MoiChatLanguageModel;

import java.nio.file.Path;

/**
 * Asks a local model one question with Mixture-of-Inputs decoding (the library's default mode) and prints
 * the answer. The model: the file named by {@code -Dmoi.model} or {@code MOI_MODEL}, else the library's
 * default model, fetched into the model cache on the first run.
 */
public class Main {

    public static void main(String[] args) {
        String question = args.length > 0 ? String.join(" ", args) : "What is the capital of France? One word.";

        MoiChatLanguageModel.Builder builder = MoiChatLanguageModel.builder()
                .contextSize(512)
                .temperature(0.0)      // greedy: the same answer on every run
                .maxOutputTokens(16);
        String modelPath = System.getProperty("moi.model", System.getenv("MOI_MODEL"));
        if (modelPath != null && !modelPath.isBlank()) {
            builder.modelPath(Path.of(modelPath));
        }

        try (MoiChatLanguageModel model = builder.build()) {
            System.out.println("Answer: " + model.chat(question).strip());
        }
    }
}
