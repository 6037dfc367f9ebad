package io.github.langchain4j.moi.samples.web;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Retrieval-augmented generation over {@code classpath:docs/*.md}: embedded in memory at startup with
 * all-MiniLM-L6-v2 (in-process ONNX), answered by the same MoI chat model.
 * <p>
 * The retriever is kept out of the application context on purpose: as a bean, LangChain4j's automatic wiring
 * would give it to every {@code @AiService}, {@link Assistant} included.
 */
@Configuration(proxyBeanMethods = false)
class RagConfiguration {

    @Bean
    DocsAssistant docsAssistant(ChatModel chatModel,
                                @Value("${sample.rag.max-results:2}") int maxResults,
                                @Value("${sample.rag.min-score:0.5}") double minScore) throws IOException {
        EmbeddingModel embeddingModel = new AllMiniLmL6V2EmbeddingModel();
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        EmbeddingStoreIngestor.builder()
                .documentSplitter(DocumentSplitters.recursive(400, 40))
                .embeddingModel(embeddingModel)
                .embeddingStore(store)
                .build()
                .ingest(Arrays.stream(new PathMatchingResourcePatternResolver().getResources("classpath:docs/*.md"))
                        .map(RagConfiguration::toDocument)
                        .toList());
        return AiServices.builder(DocsAssistant.class)
                .chatModel(chatModel)
                .contentRetriever(EmbeddingStoreContentRetriever.builder()
                        .embeddingModel(embeddingModel)
                        .embeddingStore(store)
                        .maxResults(maxResults)
                        .minScore(minScore)
                        .build())
                .build();
    }

    private static Document toDocument(Resource resource) {
        try {
            return Document.from(resource.getContentAsString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
