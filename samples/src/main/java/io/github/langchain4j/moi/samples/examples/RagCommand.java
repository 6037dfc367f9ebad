package io.github.langchain4j.moi.samples.examples;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.github.langchain4j.moi.samples.cli.SafeFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code moi rag "question" [--docs FILE...]}: retrieval-augmented generation in one process. Documents are
 * split, embedded with all-MiniLM-L6-v2 (ONNX, in-process) into an in-memory store; the closest segments
 * are put into the prompt of the MoI chat model. Without {@code --docs} it answers from a short built-in
 * text about MoI.
 */
@Command(name = "rag", mixinStandardHelpOptions = true,
        description = "Answer from documents: in-process embeddings, in-memory store, MoI chat model.")
public final class RagCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "the question")
    List<String> question;

    @Option(names = "--docs", arity = "1..*", description = "text files to answer from (default: a built-in text about MoI)")
    List<Path> docs;

    @Option(names = "--model", description = "GGUF file (default: the library's default model)")
    Path model;

    /** The assistant's interface, implemented by AI Services with a content retriever. */
    public interface DocsAssistant {
        @SystemMessage("Answer the question from the given information only, in one or two sentences.")
        String answer(String question);
    }

    /** Ingests the documents and builds the assistant on a chat model (tests pass their own). */
    public static DocsAssistant assistant(ChatModel chatModel, List<Document> documents) {
        EmbeddingModel embeddingModel = new AllMiniLmL6V2EmbeddingModel();
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        EmbeddingStoreIngestor.builder()
                .documentSplitter(DocumentSplitters.recursive(300, 30))
                .embeddingModel(embeddingModel)
                .embeddingStore(store)
                .build()
                .ingest(documents);
        return AiServices.builder(DocsAssistant.class)
                .chatModel(chatModel)
                .contentRetriever(EmbeddingStoreContentRetriever.builder()
                        .embeddingModel(embeddingModel)
                        .embeddingStore(store)
                        .maxResults(2)
                        .build())
                .build();
    }

    /** The built-in text the command answers from when no files are given. */
    public static Document builtInDocument() {
        try (InputStream in = RagCommand.class.getResourceAsStream("moi-notes.txt")) {
            return Document.from(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Integer call() throws IOException {
        List<Document> documents = new ArrayList<>();
        if (docs == null) {
            documents.add(builtInDocument());
        } else {
            for (Path path : docs) {
                documents.add(Document.from(SafeFiles.readText(path, "document", SafeFiles.MAX_TEXT_BYTES)));
            }
        }
        try (MoiChatLanguageModel chatModel = MoiChatLanguageModel.builder().modelPath(model).temperature(0.0).build()) {
            System.out.println(assistant(chatModel, documents).answer(String.join(" ", question)));
        }
        return 0;
    }
}
