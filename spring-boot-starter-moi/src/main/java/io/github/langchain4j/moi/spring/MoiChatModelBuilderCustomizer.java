package io.github.langchain4j.moi.spring;

import io.github.langchain4j.moi.MoiChatLanguageModel;

/**
 * Callback for what properties cannot express (e.g. {@code defaultRequestParameters}): every bean of this type
 * is applied, in order, to the builder of the auto-configured {@link MoiChatLanguageModel}, after the properties.
 */
@FunctionalInterface
public interface MoiChatModelBuilderCustomizer {

    void customize(MoiChatLanguageModel.Builder builder);
}
