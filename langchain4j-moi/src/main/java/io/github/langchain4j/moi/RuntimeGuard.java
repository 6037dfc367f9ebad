package io.github.langchain4j.moi;

import java.util.function.Function;

/**
 * Keeps a {@link ModelRuntime} alive while generations use it: {@link #close()} cancels the generations in
 * flight (they poll {@link #isClosing()}), waits for them, and only then frees the native model.
 */
final class RuntimeGuard {

    private final ModelRuntime runtime;
    private final ThreadLocal<Boolean> inside = ThreadLocal.withInitial(() -> false);
    private int inFlight;
    private volatile boolean closing;
    private boolean released;

    RuntimeGuard(ModelRuntime runtime) {
        this.runtime = runtime;
    }

    ModelRuntime runtime() {
        return runtime;
    }

    boolean isClosing() {
        return closing;
    }

    /** Runs {@code work} with the runtime; throws IllegalStateException once the model is closed. */
    <T> T use(Function<ModelRuntime, T> work) {
        synchronized (this) {
            if (closing) {
                throw new IllegalStateException("the MoiChatLanguageModel is closed");
            }
            inFlight++;
        }
        boolean outer = !inside.get();
        inside.set(true);
        try {
            return work.apply(runtime);
        } finally {
            if (outer) {
                inside.remove();
            }
            boolean release;
            synchronized (this) {
                inFlight--;
                release = closing && inFlight == 0 && !released;
                released |= release;
                notifyAll();
            }
            if (release) {
                runtime.close();
            }
        }
    }

    /**
     * Stops new work, cancels running generations and frees the model once they have ended. Called from inside
     * {@link #use} (a callback on a generation thread), it does not wait: the last generation frees the model.
     */
    void close() {
        boolean release;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            if (!inside.get()) {
                boolean interrupted = false;
                while (inFlight > 0) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            release = inFlight == 0 && !released;
            released |= release;
        }
        if (release) {
            runtime.close();
        }
    }
}
