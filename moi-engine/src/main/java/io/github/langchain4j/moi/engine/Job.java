package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.LlamaCppException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A request waiting for, or being served by, the decoding thread.
 *
 * <p>The one cancellation mechanism: a job is cancelled once its future is done before the engine
 * finished it (the caller cancelled the future, a blocked caller was interrupted) or its listener says
 * so; the decode loop checks this before every token and ends the generation, freeing its sequence.
 */
final class Job {
    final GenerationRequest request;
    final GenerationListener listener;
    final CompletableFuture<GenerationResult> result = new CompletableFuture<>();

    Job(GenerationRequest request, GenerationListener listener) {
        this.request = request;
        this.listener = listener;
    }

    void complete(GenerationResult value) {
        result.complete(value);
    }

    /** Whether whoever waits for this job has given up on it (see the class comment). */
    boolean isCancelled() {
        return result.isDone() || listener.isCancelled();
    }

    void fail(Throwable error) {
        result.completeExceptionally(error instanceof LlamaCppException e ? MoiEngine.fromBinding(e) : error);
    }

    GenerationResult await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(false); // ends the generation and frees its sequence: nobody waits for it
            Thread.currentThread().interrupt();
            throw new MoiEngineException("interrupted while waiting for the generation", e);
        } catch (CancellationException e) {
            throw new MoiEngineException("the generation was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new MoiEngineException(String.valueOf(cause.getMessage()), cause);
        }
    }
}
