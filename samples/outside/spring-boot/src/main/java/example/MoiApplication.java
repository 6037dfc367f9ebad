package example;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Asks the {@link Assistant} one question, prints the answer and exits. The model and its settings come from
 * application.properties; without a model path, the library's default model is fetched into the model cache
 * on the first run.
 */
@SpringBootApplication
public class MoiApplication {

    public static void main(String[] args) {
        // exit closes the context, and with it the model
        System.exit(SpringApplication.exit(SpringApplication.run(MoiApplication.class, args)));
    }

    @Bean
    CommandLineRunner askOnce(Assistant assistant) {
        return args -> {
            String question = args.length > 0 ? String.join(" ", args) : "What is the capital of France? One word.";
            System.out.println("Answer: " + assistant.chat(question).strip());
        };
    }
}
