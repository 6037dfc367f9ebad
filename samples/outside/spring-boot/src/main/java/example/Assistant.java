package example;

import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.spring.AiService;

/** Implemented by LangChain4j on the chat model that langchain4j-moi-spring-boot-starter configures. */
@AiService
public interface Assistant {

    @SystemMessage("You are a helpful assistant. Answer briefly.")
    String chat(String question);
}
