package io.github.langchain4j.moi.samples.web;

import io.github.langchain4j.moi.ContextOverflowException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Requests are checked before they reach the model, and the request's faults are answered as 4xx, not 500. */
@WebMvcTest(ChatController.class)
@TestPropertySource(properties = "moi.web.max-message-chars=1000")
class ChatControllerValidationTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    Assistant assistant;

    @MockitoBean
    DocsAssistant docsAssistant;

    private org.springframework.test.web.servlet.ResultActions chat(String body) throws Exception {
        return mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    @Test
    void aMissingNullOrEmptyMessageIs400WithAMessage() throws Exception {
        chat("{}").andExpect(status().isBadRequest()).andExpect(content().string(
                org.hamcrest.Matchers.containsString("message is required")));
        chat("{\"message\": null}").andExpect(status().isBadRequest());
        chat("{\"message\": \"  \"}").andExpect(status().isBadRequest()).andExpect(content().string(
                org.hamcrest.Matchers.containsString("must not be empty")));
        chat("not json").andExpect(status().isBadRequest());
        verifyNoInteractions(assistant);
    }

    @Test
    void aMessageOverTheLimitIs413AndNeverReachesTheModel() throws Exception {
        chat("{\"message\": \"" + "x".repeat(1001) + "\"}").andExpect(status().isPayloadTooLarge());
        mvc.perform(post("/rag").contentType(MediaType.APPLICATION_JSON)
                .content("{\"message\": \"" + "x".repeat(1001) + "\"}")).andExpect(status().isPayloadTooLarge());
        verifyNoInteractions(assistant, docsAssistant);
    }

    @Test
    void aPromptOverTheContextIs413NotA500() throws Exception {
        when(assistant.chat(anyString())).thenThrow(new RuntimeException("wrapped",
                new ContextOverflowException("the prompt has 5000 tokens, the context 1024")));

        chat("{\"message\": \"hi\"}").andExpect(status().isPayloadTooLarge()).andExpect(content().string(
                org.hamcrest.Matchers.containsString("5000 tokens")));
    }
}
