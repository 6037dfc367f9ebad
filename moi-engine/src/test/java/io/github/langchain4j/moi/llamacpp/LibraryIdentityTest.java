package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A library is identified by what it exports before any struct crosses the boundary: java-llama.cpp's b4916
 * library is told apart from the current generation, and a library of the wrong generation or one that is no
 * llama.cpp at all is refused with an error naming what was found, while the JVM keeps running.
 */
class LibraryIdentityTest {

    @TempDir
    Path tmp;

    @Test
    void java_llama_cpp_library_is_b4916() {
        LlamaLibraries.Identity identity = LlamaLibraries.identify(NativeLibrary.locate());
        assertThat(identity.generation()).isEqualTo(LlamaRuntime.B4916);
        assertThat(identity.build()).isEqualTo("b4916, commit c6af2161");
    }

    @Test
    void b4916_library_is_refused_by_the_current_binding() throws IOException {
        Files.copy(NativeLibrary.locate(), tmp.resolve(System.mapLibraryName("llama")));
        assertThatThrownBy(() -> LlamaLibraries.loadCurrent(tmp))
                .isInstanceOf(LlamaCppException.class)
                .hasMessageContaining("b4916")
                .hasMessageContaining("B4916 generation")
                .hasMessageContaining("not the current generation")
                .hasMessageContaining("supported:");
        // the JVM is still here and the refused library did not become the binding
        assertThat(NativeLibrary.loadedFrom()).isNull();
    }

    @Test
    void a_library_that_is_not_llama_cpp_is_refused() {
        Path libz = systemLibrary("libz.so.1");
        assertThatThrownBy(() -> LlamaLibraries.identify(libz))
                .isInstanceOf(LlamaCppException.class)
                .hasMessageContaining(libz.toString())
                .hasMessageContaining("not a llama.cpp library")
                .hasMessageContaining("supported: llama.cpp b4916");
        Path libc = systemLibrary("libc.so.6");
        assertThatThrownBy(() -> LlamaLibraries.identify(libc)).hasMessageContaining("not a llama.cpp library");
    }

    @Test
    void a_file_that_is_not_a_library_is_refused() throws IOException {
        Path notElf = Files.writeString(tmp.resolve(System.mapLibraryName("llama")), "not a shared object");
        assertThatThrownBy(() -> LlamaLibraries.identify(notElf))
                .isInstanceOf(LlamaCppException.class)
                .hasMessageContaining("cannot load " + notElf);
        assertThatThrownBy(() -> LlamaLibraries.loadCurrent(tmp)).hasMessageContaining("cannot load " + notElf);
        assertThatThrownBy(() -> LlamaLibraries.loadCurrent(tmp.resolve("nothing-here")))
                .hasMessageContaining("./moi native build");
    }

    @Test
    void the_current_library_is_refused_where_java_llama_cpp_is_expected() throws IOException {
        Path current = CurrentBuild.folder();
        // the current libllama under java-llama.cpp's file name, its libggml* beside it
        try (Stream<Path> files = Files.list(current)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, tmp.resolve(file.getFileName()));
            }
        }
        Files.copy(current.resolve(System.mapLibraryName("llama")), tmp.resolve(System.mapLibraryName("jllama")));
        String before = System.getProperty(NativeLibrary.LIB_PATH_PROPERTY);
        System.setProperty(NativeLibrary.LIB_PATH_PROPERTY, tmp.toString());
        try {
            assertThatThrownBy(NativeLibrary::get)
                    .isInstanceOf(LlamaCppException.class)
                    .hasMessageContaining("CURRENT generation")
                    .hasMessageContaining("ggml " + LlamaLibraries.CURRENT_GGML_VERSION)
                    .hasMessageContaining(NativeLibrary.LIB_PATH_PROPERTY);
        } finally {
            if (before == null) {
                System.clearProperty(NativeLibrary.LIB_PATH_PROPERTY);
            } else {
                System.setProperty(NativeLibrary.LIB_PATH_PROPERTY, before);
            }
        }
        assertThat(NativeLibrary.loadedFrom()).isNull();
    }

    private static Path systemLibrary(String name) {
        return Stream.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                        "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")
                .map(dir -> Path.of(dir, name))
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " on this machine"));
    }
}
