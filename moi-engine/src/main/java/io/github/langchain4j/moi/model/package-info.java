/**
 * Fetching, assembling, verifying and caching the library's default GGUF models:
 * {@link io.github.langchain4j.moi.model.KnownModel} describes them,
 * {@link io.github.langchain4j.moi.model.ModelCache#resolve(KnownModel)} returns a verified local file.
 */
package io.github.langchain4j.moi.model;
