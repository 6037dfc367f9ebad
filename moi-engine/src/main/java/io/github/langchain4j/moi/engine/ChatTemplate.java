package io.github.langchain4j.moi.engine;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A model's chat template: renders a conversation into a {@link PromptText} whose markup comes from the
 * template and whose message contents stay text (data).
 *
 * <p>The template is the Jinja source in the model's metadata ({@code tokenizer.chat_template}), rendered the
 * way Hugging Face transformers renders it (trim_blocks, lstrip_blocks, {@code bos_token}, {@code eos_token},
 * {@code add_generation_prompt}, {@code raise_exception}), so defaults that the template adds (such as a
 * default system message) are there. A model without a template falls back to llama.cpp's built-in
 * formats.
 *
 * <p>Where the contents are in the output: the template is rendered twice, once with the real contents and
 * once with a unique marker in place of each. The marked rendering says which stretches are markup; the real
 * one must be exactly those stretches with each content in between (as given, or trimmed, since templates
 * often trim). A template that changes content in any other way is refused, rather than guessing where
 * text ends and markup begins.
 */
final class ChatTemplate {

    /** Renders turns to one string; the boolean is add_generation_prompt. */
    interface Renderer extends BiFunction<List<ChatTurn>, Boolean, String> {
    }

    // Private-use characters: a marker cannot occur in a template's own text
    private static final char MARK_OPEN = '\uE000';
    private static final char MARK_CLOSE = '\uE001';

    private static final Logger log = LoggerFactory.getLogger(ChatTemplate.class);

    private final String description;
    private final Renderer renderer;
    private final ChatTemplate fallback;
    private volatile boolean fellBack;

    private ChatTemplate(String description, Renderer renderer, ChatTemplate fallback) {
        this.description = description;
        this.renderer = renderer;
        this.fallback = fallback;
    }

    /**
     * A Jinja chat template from a model's metadata; bos and eos are the texts of those special tokens.
     *
     * @param fallback used, with a warning in the log, for a template that the Jinja engine cannot render
     *                 (null: such a template fails)
     */
    public static ChatTemplate jinja(String source, String bosToken, String eosToken, ChatTemplate fallback) {
        return new ChatTemplate("the model's Jinja chat template", new JinjaRenderer(source, bosToken, eosToken),
                fallback);
    }

    /** A renderer of another kind (llama.cpp's built-in templates, or a test's). */
    static ChatTemplate of(String description, Renderer renderer) {
        return new ChatTemplate(description, renderer, null);
    }

    /** Which template this is, for logs. */
    public String description() {
        return description;
    }

    /**
     * Renders a conversation.
     *
     * @param addGenerationPrompt whether to open the assistant's turn at the end
     * @throws MoiEngineException when the template fails or changes message content beyond trimming
     */
    public PromptText render(List<ChatTurn> turns, boolean addGenerationPrompt) {
        String real;
        try {
            real = renderer.apply(turns, addGenerationPrompt);
        } catch (UnsupportedTemplateException e) {
            if (fallback == null) {
                throw e;
            }
            if (!fellBack) {
                fellBack = true;
                log.warn("{}; using {} instead", e.getMessage(), fallback.description());
            }
            return fallback.render(turns, addGenerationPrompt);
        }
        List<ChatTurn> marked = new ArrayList<>(turns.size());
        for (int i = 0; i < turns.size(); i++) {
            ChatTurn turn = turns.get(i);
            // empty contents stay empty: templates test them ("if message.content") and nothing can hide in them
            marked.add(turn.content().isEmpty() ? turn : new ChatTurn(turn.role(), marker(i)));
        }
        String template = renderer.apply(marked, addGenerationPrompt);
        return align(real, template, turns);
    }

    private static String marker(int index) {
        return MARK_OPEN + Integer.toString(index) + MARK_CLOSE;
    }

    /** Walks the real rendering along the marked one: markup must match exactly, contents as given or trimmed. */
    private PromptText align(String real, String marked, List<ChatTurn> turns) {
        List<PromptText.Part> parts = new ArrayList<>();
        int pos = 0;   // in real
        int from = 0;  // in marked
        while (from <= marked.length()) {
            int open = marked.indexOf(MARK_OPEN, from);
            String markup = marked.substring(from, open < 0 ? marked.length() : open);
            if (!real.startsWith(markup, pos)) {
                throw changed();
            }
            parts.add(new PromptText.Part(markup, true));
            pos += markup.length();
            if (open < 0) {
                break;
            }
            int close = marked.indexOf(MARK_CLOSE, open);
            String content = turns.get(Integer.parseInt(marked.substring(open + 1, close))).content();
            int nextOpen = marked.indexOf(MARK_OPEN, close + 1);
            String following = marked.substring(close + 1, nextOpen < 0 ? marked.length() : nextOpen);
            String placed = null;
            for (String candidate : new String[]{content, content.strip(), content.trim(), content.stripTrailing(),
                    content.stripLeading()}) {
                if (real.startsWith(candidate, pos) && real.startsWith(following, pos + candidate.length())) {
                    placed = candidate;
                    break;
                }
            }
            if (placed == null) {
                throw changed();
            }
            parts.add(new PromptText.Part(placed, false));
            pos += placed.length();
            from = close + 1;
        }
        if (pos != real.length()) {
            throw changed();
        }
        return new PromptText(parts);
    }

    private MoiEngineException changed() {
        return new MoiEngineException(description + " changes message text in a way that does not keep it apart from "
                + "the template's markup; it cannot be used safely (message content must stay data)");
    }

    /** Jinja as Hugging Face transformers configures it for chat templates. */
    private static final class JinjaRenderer implements Renderer {
        private final String source;
        private final String bosToken;
        private final String eosToken;
        private final Jinjava jinjava;

        JinjaRenderer(String source, String bosToken, String eosToken) {
            this.source = source;
            this.bosToken = bosToken == null ? "" : bosToken;
            this.eosToken = eosToken == null ? "" : eosToken;
            this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                    .withTrimBlocks(true)
                    .withLstripBlocks(true)
                    .withFailOnUnknownTokens(false)
                    .withLegacyOverrides(LegacyOverrides.newBuilder() // Python Jinja's behaviour where they differ
                            .withUseTrimmingForNotesAndExpressions(true)
                            .withParseWhitespaceControlStrictly(true)
                            .withUseNaturalOperatorPrecedence(true)
                            .withEvaluateMapKeys(true)
                            .withIterateOverMapKeys(true)
                            .withKeepNullableLoopValues(true)
                            .build())
                    .build());
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                    JinjaFunctions.class, "raiseException", String.class));
        }

        @Override
        public String apply(List<ChatTurn> turns, Boolean addGenerationPrompt) {
            List<Map<String, Object>> messages = new ArrayList<>(turns.size());
            for (ChatTurn turn : turns) {
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("role", turn.role());
                message.put("content", turn.content());
                messages.add(message);
            }
            Map<String, Object> context = new HashMap<>();
            context.put("messages", messages);
            context.put("add_generation_prompt", addGenerationPrompt);
            context.put("bos_token", bosToken);
            context.put("eos_token", eosToken);
            RenderResult result = jinjava.renderForResult(source, context);
            for (TemplateError error : result.getErrors()) {
                for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                    if (t instanceof TemplateRefusal refusal) {
                        throw new IllegalArgumentException("the model's chat template refused the conversation: "
                                + refusal.getMessage());
                    }
                }
                if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                    throw new UnsupportedTemplateException("the model's Jinja chat template could not be rendered ("
                            + error.getMessage() + ")");
                }
            }
            return result.getOutput();
        }
    }

    /** Functions that Hugging Face chat templates call. */
    public static final class JinjaFunctions {
        private JinjaFunctions() {
        }

        /** {@code raise_exception(message)}: the template refuses the conversation. */
        public static Object raiseException(String message) {
            throw new TemplateRefusal(message);
        }
    }

    /** Thrown by {@code raise_exception}: the conversation is wrong for this model (not the template). */
    private static final class TemplateRefusal extends RuntimeException {
        TemplateRefusal(String message) {
            super(message);
        }
    }

    /** A template that the Jinja engine cannot render (a feature it lacks, or a broken template). */
    static final class UnsupportedTemplateException extends MoiEngineException {
        UnsupportedTemplateException(String message) {
            super(message);
        }
    }
}
