/**
 * The llama.cpp binding (JNA over llama.cpp's C API), the bottom layer: it knows llama.cpp and GGUF, not the
 * engine — its own parameter types ({@link io.github.langchain4j.moi.llamacpp.LoadParams},
 * {@link io.github.langchain4j.moi.llamacpp.SamplerParams}) and exceptions
 * ({@link io.github.langchain4j.moi.llamacpp.LlamaCppException}).
 *
 * <p><b>Not API.</b> Its public types are public for the engine package and for the benchmark of the
 * binding alone; they may change in any release. Use {@link io.github.langchain4j.moi.engine.MoiEngine}.
 */
package io.github.langchain4j.moi.llamacpp;
