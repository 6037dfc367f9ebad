package io.github.langchain4j.moi.llamacpp;

/**
 * The two llama.cpp C API generations the binding supports. One JVM runs one of them: which one is chosen by the
 * folder of a current build (none: the bundled b4916).
 */
public enum LlamaRuntime {
    /** llama.cpp b4916, inside java-llama.cpp 4.2.0's {@code libjllama}: the zero-setup default. */
    B4916("b4916"),
    /** The pinned current llama.cpp (llama-cpp-sys-2 0.1.161, API of b11434) built by {@code ./moi native build}. */
    CURRENT("current (b11434 API)");

    private final String label;

    LlamaRuntime(String label) {
        this.label = label;
    }

    /** How messages name it, e.g. "b4916". */
    public String label() {
        return label;
    }
}
