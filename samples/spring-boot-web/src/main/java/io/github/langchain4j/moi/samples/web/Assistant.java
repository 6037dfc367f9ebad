package io.github.langchain4j.moi.samples.web;

import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.spring.AiService;

/**
 * Implemented by LangChain4j on the auto-configured MoiChatLanguageModel, which is both the ChatModel of
 * {@link #chat} and the StreamingChatModel of {@link #stream}.
 */
@AiService
public interface Assistant {

    String SYSTEM = "You are a helpful assistant. Answer briefly.";

    @SystemMessage(SYSTEM)
    String chat(String message);

    @SystemMessage(SYSTEM)
    TokenStream stream(String message);
}
