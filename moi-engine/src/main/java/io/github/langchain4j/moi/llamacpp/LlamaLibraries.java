package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells which llama.cpp API generation a native library is, from the symbols it exports, before any struct
 * crosses the boundary, and loads the current generation from a build folder. A library that is neither
 * supported generation is refused with an error that names what was found: a call through a wrong struct
 * layout would corrupt memory silently instead.
 *
 * <p>Libraries are opened {@code RTLD_LOCAL} here, so that inspecting one (a wrong one included) cannot put its
 * symbols in front of another library's. Only one generation can run in a JVM: java-llama.cpp's library is
 * opened globally by {@link NativeLibrary}, and a current {@code libllama} loaded after it would bind its
 * {@code ggml_*} calls to the b4916 copies inside it.
 */
final class LlamaLibraries {

    /** What a library said about itself: its generation and, where it exports one, its build. */
    public record Identity(LlamaRuntime generation, Path file, String build) {
    }

    /** The b4916 binding's layouts are those of exactly this build. */
    static final int B4916_BUILD_NUMBER = 4916;
    /** ggml's version in the pinned current build; its struct layouts are the ones {@link LlamaCppCurrent} maps. */
    static final String CURRENT_GGML_VERSION = "0.26.0";
    static final String SUPPORTED = "supported: llama.cpp b4916 (java-llama.cpp 4.2.0's libjllama) or the pinned "
            + "current llama.cpp (ggml " + CURRENT_GGML_VERSION + ", llama-cpp-sys-2 0.1.161, built by ./moi native build)";

    /** Symbols that appeared with the current layouts of llama_model_params / llama_context_params. */
    private static final List<String> CURRENT_MARKERS = List.of("llama_get_memory", "llama_memory_seq_rm",
            "llama_load_mode_name", "llama_flash_attn_type_name", "llama_model_n_embd_inp", "ggml_version");

    // glibc dlopen flags; RTLD_LOCAL is 0
    private static final int RTLD_LAZY = 1;
    private static final Map<String, Object> LOCAL = Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY);

    private static final Logger log = LoggerFactory.getLogger(LlamaLibraries.class);
    private static final Logger nativeLog = LoggerFactory.getLogger("llama.cpp");
    // kept strongly reachable: native code calls it for the JVM's lifetime
    private static final LlamaCpp.LogCallback LOG_CALLBACK = LlamaLibraries::onNativeLog;

    private static volatile LlamaCppCurrent current;
    private static volatile Path currentFolder;

    private LlamaLibraries() {
    }

    /** The folder the current llama.cpp was loaded from, or null while it is not loaded. */
    static Path currentFolder() {
        return currentFolder;
    }

    /** Opens {@code file} (local symbols only) and identifies it; refuses what neither generation is. */
    public static Identity identify(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LlamaCppException("no native library at " + file);
        }
        com.sun.jna.NativeLibrary lib;
        try {
            lib = com.sun.jna.NativeLibrary.getInstance(file.toAbsolutePath().toString(), LOCAL);
        } catch (UnsatisfiedLinkError e) {
            throw new LlamaCppException("cannot load " + file + " as a native library (" + e.getMessage() + "); " + SUPPORTED, e);
        }
        return identify(lib, file);
    }

    /** Identifies an already loaded library by its exported symbols, without calling through any struct. */
    static Identity identify(com.sun.jna.NativeLibrary lib, Path file) {
        boolean memoryApi = exports(lib, "llama_get_memory");
        boolean kvSelfApi = exports(lib, "llama_kv_self_clear");
        if (memoryApi && !kvSelfApi) {
            List<String> missing = new ArrayList<>();
            for (String marker : CURRENT_MARKERS) {
                if (!exports(lib, marker)) {
                    missing.add(marker);
                }
            }
            if (!missing.isEmpty()) {
                throw new LlamaCppException(file + " is a llama.cpp with the llama_memory_* API but without " + missing
                        + ", so not the pinned current version; " + SUPPORTED);
            }
            String ggmlVersion = lib.getFunction("ggml_version").invokeString(new Object[0], false);
            String ggmlCommit = lib.getFunction("ggml_commit").invokeString(new Object[0], false);
            if (!CURRENT_GGML_VERSION.equals(ggmlVersion)) {
                throw new LlamaCppException(file + " is a current-generation llama.cpp with ggml " + ggmlVersion
                        + " (commit " + ggmlCommit + "), whose struct layouts may differ from the pinned one; " + SUPPORTED);
            }
            return new Identity(LlamaRuntime.CURRENT, file, "ggml " + ggmlVersion + ", commit " + ggmlCommit);
        }
        if (kvSelfApi && !memoryApi) {
            Integer buildNumber = exportedInt(lib, "LLAMA_BUILD_NUMBER");
            String commit = exportedString(lib, "LLAMA_COMMIT");
            if (buildNumber == null || buildNumber != B4916_BUILD_NUMBER) {
                throw new LlamaCppException(file + " is a llama.cpp with the llama_kv_self_* API but of build "
                        + (buildNumber == null ? "unknown (it exports no LLAMA_BUILD_NUMBER)" : "b" + buildNumber)
                        + ", whose struct layouts differ from b4916's; " + SUPPORTED);
            }
            return new Identity(LlamaRuntime.B4916, file, "b" + buildNumber + (commit == null ? "" : ", commit " + commit));
        }
        if (memoryApi) {
            throw new LlamaCppException(file + " exports both llama_get_memory and llama_kv_self_clear: a llama.cpp "
                    + "between the two supported generations (mid 2025); " + SUPPORTED);
        }
        String what = exports(lib, "llama_backend_init")
                ? "a llama.cpp library with neither llama_get_memory nor llama_kv_self_clear (older than both generations)"
                : "not a llama.cpp library (it exports no llama_backend_init, llama_get_memory or llama_kv_self_clear)";
        throw new LlamaCppException(file + " is " + what + "; " + SUPPORTED);
    }

    /**
     * The current-generation binding from {@code folder} (which holds {@code libllama} and its {@code libggml*}),
     * loaded and initialised once per JVM. The library is identified first and refused unless it is the pinned
     * current generation.
     */
    static LlamaCppCurrent loadCurrent(Path folder) {
        Path file = folder.resolve(System.mapLibraryName("llama"));
        synchronized (LlamaLibraries.class) {
            if (current != null) {
                if (!folder.toAbsolutePath().normalize().equals(currentFolder)) {
                    throw new LlamaCppException("the current llama.cpp is already loaded from " + currentFolder
                            + "; one JVM cannot load a second one from " + folder);
                }
                return current;
            }
            if (!Files.isRegularFile(file)) {
                throw new LlamaCppException("no " + file.getFileName() + " in " + folder
                        + ": build the current llama.cpp with ./moi native build and name the folder it prints");
            }
            if (NativeLibrary.loadedFrom() != null) {
                throw new LlamaCppException("java-llama.cpp's llama.cpp b4916 is already loaded in this JVM (from "
                        + NativeLibrary.loadedFrom() + "); the current llama.cpp from " + folder
                        + " cannot run beside it: use one generation per JVM");
            }
            Identity identity = identify(file);
            if (identity.generation() != LlamaRuntime.CURRENT) {
                throw new LlamaCppException(file + " is llama.cpp " + identity.build() + " (" + identity.generation()
                        + " generation), not the current generation this binding maps; " + SUPPORTED);
            }
            LlamaCppCurrent lib;
            try {
                lib = Native.load(file.toAbsolutePath().toString(), LlamaCppCurrent.class, LOCAL);
            } catch (UnsatisfiedLinkError e) {
                throw new LlamaCppException("cannot load " + file + ": " + e.getMessage(), e);
            }
            lib.llama_log_set(LOG_CALLBACK, null);
            if (lib.ggml_backend_dev_count() == 0) {
                // a build with GGML_BACKEND_DL=ON: its backends are modules beside libllama
                lib.ggml_backend_load_all_from_path(folder.toAbsolutePath().toString());
                if (lib.ggml_backend_dev_count() == 0) {
                    throw new LlamaCppException("the llama.cpp in " + folder + " has no compute backend (no libggml-cpu?)");
                }
            }
            lib.llama_backend_init();
            log.debug("loaded llama.cpp ({}) from {} (GPU offload: {})", identity.build(), file, lib.llama_supports_gpu_offload());
            currentFolder = folder.toAbsolutePath().normalize();
            current = lib;
            return lib;
        }
    }

    private static boolean exports(com.sun.jna.NativeLibrary lib, String symbol) {
        try {
            lib.getGlobalVariableAddress(symbol);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** An exported {@code int} variable (b4916's common library exports {@code int LLAMA_BUILD_NUMBER}). */
    private static Integer exportedInt(com.sun.jna.NativeLibrary lib, String symbol) {
        return exports(lib, symbol) ? lib.getGlobalVariableAddress(symbol).getInt(0) : null;
    }

    /** An exported {@code const char *} variable ({@code LLAMA_COMMIT}). */
    private static String exportedString(com.sun.jna.NativeLibrary lib, String symbol) {
        if (!exports(lib, symbol)) {
            return null;
        }
        Pointer chars = lib.getGlobalVariableAddress(symbol).getPointer(0);
        return chars == null ? null : chars.getString(0);
    }

    private static void onNativeLog(int level, String text, Pointer userData) {
        if (text == null || text.isBlank()) {
            return;
        }
        String line = text.stripTrailing();
        // ggml_log_level (unchanged since b4916): NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5
        switch (level) {
            case 4 -> nativeLog.error(line);
            case 3 -> nativeLog.info(line);
            case 2 -> nativeLog.debug(line);
            default -> nativeLog.trace(line);
        }
    }
}
