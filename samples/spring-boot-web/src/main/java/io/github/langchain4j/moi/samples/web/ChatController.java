package io.github.langchain4j.moi.samples.web;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.service.Result;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code POST /chat} and {@code POST /rag} take {@code {"message": "..."}} and answer with JSON;
 * {@code GET /chat/stream?message=...} answers with server-sent events: {@code token} events carrying
 * {@code {"text": "..."}} as the model generates, then one {@code done} event.
 */
@RestController
class ChatController {

    record ChatRequestBody(String message) {
    }

    record ChatAnswer(String answer) {
    }

    record RagAnswer(String answer, List<String> sources) {
    }

    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(5);

    private final Assistant assistant;
    private final DocsAssistant docsAssistant;
    private final int maxMessageChars;

    ChatController(Assistant assistant, DocsAssistant docsAssistant,
                   @Value("${moi.web.max-message-chars:16000}") int maxMessageChars) {
        this.assistant = assistant;
        this.docsAssistant = docsAssistant;
        this.maxMessageChars = maxMessageChars;
    }

    /**
     * A message must be there and not blank (400), and not longer than the limit (413): checked before anything
     * reaches the engine, whose single decoding thread would otherwise tokenize megabytes for every client.
     */
    private String checked(String message) {
        if (message == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "message is required: {\"message\": \"...\"}");
        }
        if (message.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "message must not be empty");
        }
        if (message.length() > maxMessageChars) {
            throw new ResponseStatusException(HttpStatus.PAYLOAD_TOO_LARGE, "message has " + message.length()
                    + " characters, more than the limit of " + maxMessageChars + " (moi.web.max-message-chars)");
        }
        return message;
    }

    @PostMapping(path = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ChatAnswer chat(@RequestBody ChatRequestBody body) {
        return new ChatAnswer(assistant.chat(checked(body.message())));
    }

    @GetMapping(path = "/chat/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestParam String message) {
        checked(message);
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        AtomicBoolean gone = new AtomicBoolean();
        emitter.onTimeout(() -> gone.set(true));
        emitter.onError(error -> gone.set(true));
        // JSON payloads keep the tokens' leading spaces, which plain SSE data lines would lose
        assistant.stream(message)
                .onPartialResponseWithContext((partial, context) -> {
                    if (gone.get() || !send(emitter, "token", Map.of("text", partial.text()))) {
                        gone.set(true);
                        context.streamingHandle().cancel(); // the client went away: stop generating
                    }
                })
                .onCompleteResponse(response -> {
                    send(emitter, "done", Map.of("finishReason", String.valueOf(response.finishReason())));
                    emitter.complete();
                })
                .onError(emitter::completeWithError)
                .start();
        return emitter;
    }

    @PostMapping(path = "/rag", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    RagAnswer rag(@RequestBody ChatRequestBody body) {
        Result<String> result = docsAssistant.answer(checked(body.message()));
        return new RagAnswer(result.content(),
                result.sources().stream().map(Content::textSegment).map(segment -> segment.text()).toList());
    }

    private static boolean send(SseEmitter emitter, String event, Object data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }
}
