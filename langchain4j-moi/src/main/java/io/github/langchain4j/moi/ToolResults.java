package io.github.langchain4j.moi;

import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a tool result. LangChain4j 1.13 and later let a result hold contents other than text
 * ({@code contents()}); this adapter builds against 1.11 too, so it reads them reflectively: text contents are
 * joined, any other content is refused by name rather than dropped.
 */
final class ToolResults {

    private static final Method CONTENTS = contentsMethod();

    private ToolResults() {
    }

    static String text(ToolExecutionResultMessage result) {
        if (CONTENTS != null) {
            List<?> contents = contents(result);
            if (contents != null && !contents.isEmpty()) {
                List<String> texts = new ArrayList<>(contents.size());
                for (Object content : contents) {
                    if (!(content instanceof TextContent text)) {
                        throw new UnsupportedFeatureException("tool results with " + content.getClass().getSimpleName()
                                + " content are not supported by MoiChatLanguageModel (tool '" + result.toolName()
                                + "'): only text reaches the model");
                    }
                    texts.add(text.text());
                }
                return String.join("\n", texts);
            }
        }
        return result.text() == null ? "" : result.text();
    }

    private static List<?> contents(ToolExecutionResultMessage result) {
        try {
            return (List<?>) CONTENTS.invoke(result);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("could not read the contents of a tool result", e);
        }
    }

    private static Method contentsMethod() {
        try {
            Method method = ToolExecutionResultMessage.class.getMethod("contents");
            return List.class.isAssignableFrom(method.getReturnType()) ? method : null;
        } catch (NoSuchMethodException e) {
            return null; // LangChain4j before 1.13: results are text
        }
    }
}
