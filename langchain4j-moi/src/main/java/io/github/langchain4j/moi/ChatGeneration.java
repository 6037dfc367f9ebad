package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.Engine;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.ThinkThenAnswer;
import io.github.langchain4j.moi.engine.ThinkingOptions;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat request, checked and mapped for the engine before anything runs ({@link #prepare}), then run to a
 * response ({@link #call}) or streamed to a handler ({@link #stream}).
 */
final class ChatGeneration {

    private static final Logger log = LoggerFactory.getLogger(MoiChatLanguageModel.class);

    private final ToolCallFormat format;
    private final ChatPrompt prompt;
    private final GenerationRequest request;
    private final String modelName;
    private final boolean logResponses;
    private final boolean returnThinking;

    private ChatGeneration(ToolCallFormat format, ChatPrompt prompt, GenerationRequest request, String modelName,
                           boolean logResponses, boolean returnThinking) {
        this.format = format;
        this.prompt = prompt;
        this.request = request;
        this.modelName = modelName;
        this.logResponses = logResponses;
        this.returnThinking = returnThinking;
    }

    /**
     * Checks and maps a request (messages, tools, response format, parameters) without generating anything.
     *
     * @throws UnsupportedFeatureException for what this model cannot do
     * @throws IllegalArgumentException    for values out of range
     */
    static ChatGeneration prepare(ChatRequest chatRequest, Engine runtime, boolean logRequests,
                                  boolean logResponses) {
        String requestedModel = chatRequest.parameters().modelName();
        if (requestedModel != null && !requestedModel.equals(runtime.modelName())) {
            throw modelNameNotSupported(requestedModel, runtime.modelName());
        }
        ToolCallFormat format = ToolCallFormat.detect(runtime.chatTemplateSource());
        ChatPrompt prompt = ChatPrompt.from(chatRequest.messages(), chatRequest.parameters(), format);
        MoiChatRequestParameters parameters = EngineMapping.DEFAULTS.overrideWith(chatRequest.parameters());
        boolean think = Boolean.TRUE.equals(parameters.think());
        // a reasoning model's own segment (its template strips earlier thinking), or the think-then-answer one
        ThinkingOptions thinking = think ? ThinkThenAnswer.thinking(ThinkingOptions.NO_BUDGET)
                : ThinkingOptions.detect(runtime.chatTemplateSource(), ThinkingOptions.NO_BUDGET);
        PromptText text = runtime.applyChatTemplate(think ? ThinkThenAnswer.turns(prompt.turns()) : prompt.turns(),
                prompt.tools(), true);
        if (think) {
            text = ThinkThenAnswer.openSegment(text);
        }
        GenerationRequest request = EngineMapping.toGenerationRequest(
                text, prompt.grammar(), chatRequest.parameters(), runtime.contextSize(), thinking);
        if (logRequests) {
            log.info("MoI request: tool-call format={}, sampling={}, moi={}, maxTokens={}, stop={}, trace={}, thinking={}\nprompt:\n{}\ngrammar:\n{}",
                    format, request.sampling(), request.moi(), request.maxTokens(), request.stopStrings(), request.trace(),
                    request.thinking(), text.asString(), request.grammar());
        }
        return new ChatGeneration(format, prompt, request, runtime.modelName(), logResponses,
                Boolean.TRUE.equals(parameters.returnThinking()));
    }

    /** The tool-call format chosen from the model's chat template. */
    ToolCallFormat format() {
        return format;
    }

    /** What the engine gets: the rendered prompt and the grammar. */
    GenerationRequest request() {
        return request;
    }

    static UnsupportedFeatureException modelNameNotSupported(String requested, String loaded) {
        return new UnsupportedFeatureException("Choosing a model by 'modelName' is not supported by "
                + "MoiChatLanguageModel: it serves the model it loaded ('" + loaded + "'), not '" + requested
                + "'. Build another MoiChatLanguageModel with modelPath(...) for another model.");
    }

    /** Generates on the calling thread and returns the response. */
    ChatResponse call(Engine runtime) {
        GenerationResult result = runtime.generate(request, GenerationListener.NONE);
        if (result.finishReason() == io.github.langchain4j.moi.engine.FinishReason.CANCELLED) {
            throw closedWhileGenerating();
        }
        AnswerParser parser = prompt.newAnswerParser(new AnswerParser.Listener() {
        });
        parser.accept(result.text());
        parser.finish();
        return toChatResponse(result, parser);
    }

    /**
     * Streams to the handler from the calling thread (a thread of the model's executor): the engine decodes on
     * its own thread and hands each piece of text over, so every callback of one stream comes from one thread
     * and a slow handler never holds up the other generations. After the handle is cancelled the handler
     * hears nothing more, and the engine frees the sequence within a token. An exception thrown by a handler
     * callback goes to its {@code onError} and streaming goes on, as LangChain4j's contract (and its test kit)
     * wants; a handler that wants to stop cancels its {@code StreamingHandle}.
     */
    void stream(Engine runtime, StreamingChatResponseHandler handler, Handle handle) {
        CompletableFuture<GenerationResult> pending = null;
        try {
            AnswerParser parser = prompt.newAnswerParser(new AnswerParser.Listener() {
                @Override
                public void onText(String text) {
                    if (!text.isEmpty() && !handle.isCancelled()) {
                        InternalStreamingChatResponseHandlerUtils.onPartialResponse(handler, text, handle);
                    }
                }

                @Override
                public void onPartialToolCall(PartialToolCall partialToolCall) {
                    if (!handle.isCancelled()) {
                        InternalStreamingChatResponseHandlerUtils.onPartialToolCall(handler, partialToolCall, handle);
                    }
                }

                @Override
                public void onCompleteToolCall(CompleteToolCall completeToolCall) {
                    if (!handle.isCancelled()) {
                        InternalStreamingChatResponseHandlerUtils.onCompleteToolCall(handler, completeToolCall);
                    }
                }
            });
            BlockingQueue<Piece> pieces = new LinkedBlockingQueue<>();
            pending = runtime.submit(request, new GenerationListener() {
                @Override
                public void onText(String text) {
                    pieces.add(new Piece(text, false));
                }

                @Override
                public void onThinking(String text) {
                    if (returnThinking) { // otherwise dropped: thinking is never part of the answer
                        pieces.add(new Piece(text, true));
                    }
                }

                @Override
                public boolean isCancelled() {
                    return handle.isCancelled();
                }
            });
            pending.whenComplete((done, error) -> pieces.add(END_OF_TEXT));
            for (Piece piece = pieces.take(); piece != END_OF_TEXT; piece = pieces.take()) {
                if (!piece.thinking()) {
                    parser.accept(piece.text());
                } else if (!handle.isCancelled()) {
                    InternalStreamingChatResponseHandlerUtils.onPartialThinking(handler, piece.text(), handle);
                }
            }
            GenerationResult result = resultOf(pending);
            if (handle.isCancelled()) {
                return;
            }
            if (result.finishReason() == io.github.langchain4j.moi.engine.FinishReason.CANCELLED) {
                throw closedWhileGenerating();
            }
            parser.finish();
            ChatResponse response = toChatResponse(result, parser);
            if (!handle.isCancelled()) {
                InternalStreamingChatResponseHandlerUtils.onCompleteResponse(handler, response);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.cancel();
        } catch (Exception | Error e) { // an Error from the handler too: this thread must not end unheard
            if (!handle.isCancelled()) {
                handle.cancel();
                InternalStreamingChatResponseHandlerUtils.withLoggingExceptions(() -> handler.onError(e));
            }
        } finally {
            if (pending != null) {
                pending.cancel(false); // a no-op after the end; otherwise the engine frees the sequence now
            }
        }
    }

    /** A piece of the answer, or of the thinking, handed from the decoding thread to the streaming one. */
    private record Piece(String text, boolean thinking) {
    }

    /** Marks the end of a stream's text in its hand-over queue (compared by identity). */
    private static final Piece END_OF_TEXT = new Piece("<end of text>", false);

    private static GenerationResult resultOf(CompletableFuture<GenerationResult> pending) {
        try {
            return pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw EngineErrors.toMoiException(cause);
            }
            throw e;
        }
    }

    private static MoiException closedWhileGenerating() {
        return new MoiException("the generation was cancelled because the model was closed");
    }

    private ChatResponse toChatResponse(GenerationResult result, AnswerParser parser) {
        AiMessage aiMessage = AiMessage.builder()
                .text(parser.text())
                .toolExecutionRequests(parser.toolExecutionRequests())
                .thinking(returnThinking && !result.thinking().isEmpty() ? result.thinking() : null)
                .build();
        FinishReason finishReason = switch (result.finishReason()) {
            case LENGTH -> FinishReason.LENGTH;
            case STOP -> aiMessage.hasToolExecutionRequests() ? FinishReason.TOOL_EXECUTION : FinishReason.STOP;
            case CANCELLED -> FinishReason.OTHER;
        };
        ChatResponse response = ChatResponse.builder()
                .aiMessage(aiMessage)
                .metadata(MoiChatResponseMetadata.builder()
                        .id("moi-" + UUID.randomUUID())
                        .modelName(modelName)
                        .tokenUsage(new TokenUsage(result.promptTokens(), result.outputTokens()))
                        .finishReason(finishReason)
                        .trace(result.trace())
                        .build())
                .build();
        if (logResponses) {
            log.info("MoI response: {}", response);
        }
        return response;
    }

    /** The streaming handle: cancelling it stops the generation at the next token. */
    static final class Handle implements StreamingHandle {

        private final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }
}
