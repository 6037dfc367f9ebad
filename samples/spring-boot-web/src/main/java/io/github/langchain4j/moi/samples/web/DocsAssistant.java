package io.github.langchain4j.moi.samples.web;

import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;

/** Answers from the documents in {@code classpath:docs/}, retrieved by embedding similarity. */
public interface DocsAssistant {

    @SystemMessage("Answer the question briefly, using only the information given with it.")
    Result<String> answer(String question);
}
