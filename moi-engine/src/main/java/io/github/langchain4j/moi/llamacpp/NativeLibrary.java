package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds and loads java-llama.cpp's native library once per JVM, in java-llama.cpp's own search order:
 * <ol>
 *   <li>the folder named by the system property {@value #LIB_PATH_PROPERTY} (how a user points at
 *       their own build, e.g. one with CUDA), then</li>
 *   <li>the library bundled in the {@code de.kherud:llama} jar for this OS and architecture,
 *       extracted once to a folder under {@code java.io.tmpdir}.</li>
 * </ol>
 * Native log output is routed into SLF4J (logger {@code llama.cpp}).
 */
public final class NativeLibrary {

    /** java-llama.cpp's property naming the folder that holds {@code libjllama}. */
    public static final String LIB_PATH_PROPERTY = "de.kherud.llama.lib.path";

    private static final Logger log = LoggerFactory.getLogger(NativeLibrary.class);
    private static final Logger nativeLog = LoggerFactory.getLogger("llama.cpp");
    private static final String JAVA_LLAMA_VERSION = "4.2.0";

    private static volatile LlamaCpp instance;
    private static volatile Path loadedFrom;
    // kept strongly reachable: native code calls it for the JVM's lifetime
    private static final LlamaCpp.LogCallback LOG_CALLBACK = NativeLibrary::onNativeLog;

    private NativeLibrary() {
    }

    /** The loaded library (loads it on first use). */
    public static LlamaCpp get() {
        LlamaCpp lib = instance;
        if (lib == null) {
            synchronized (NativeLibrary.class) {
                lib = instance;
                if (lib == null) {
                    if (LlamaLibraries.currentFolder() != null) {
                        throw new LlamaCppException("the current llama.cpp is loaded in this JVM (from "
                                + LlamaLibraries.currentFolder() + "); the bundled b4916 cannot run beside it: one "
                                + "llama.cpp per JVM, so give every model the same llamaCppPath");
                    }
                    Path path = locate();
                    // before any struct crosses: the layouts of LlamaCpp are b4916's
                    LlamaLibraries.Identity identity = LlamaLibraries.identify(path);
                    if (identity.generation() != LlamaRuntime.B4916) {
                        throw new LlamaCppException(path + " is llama.cpp " + identity.build() + " (" + identity.generation()
                                + " generation); " + LIB_PATH_PROPERTY + " must name a java-llama.cpp 4.2.0 build (b4916)");
                    }
                    try {
                        lib = Native.load(path.toString(), LlamaCpp.class);
                    } catch (UnsatisfiedLinkError e) {
                        throw new LlamaCppException("cannot load the llama.cpp native library " + path + ": " + e.getMessage(), e);
                    }
                    lib.llama_log_set(LOG_CALLBACK, null);
                    lib.llama_backend_init();
                    loadedFrom = path;
                    log.debug("loaded llama.cpp native library from {} (GPU offload: {})", path, lib.llama_supports_gpu_offload());
                    instance = lib;
                }
            }
        }
        return lib;
    }

    /** Where the library was loaded from, or null before the first {@link #get()}. */
    public static Path loadedFrom() {
        return loadedFrom;
    }

    /** Whether the loaded library was built with GPU support (CUDA, Metal, Vulkan...). */
    public static boolean supportsGpuOffload() {
        return get().llama_supports_gpu_offload();
    }

    static Path locate() {
        String fileName = System.mapLibraryName("jllama");
        String userPath = System.getProperty(LIB_PATH_PROPERTY);
        if (userPath != null && !userPath.isBlank()) {
            Path candidate = Paths.get(userPath).resolve(fileName);
            if (!Files.isRegularFile(candidate)) {
                throw new LlamaCppException("system property " + LIB_PATH_PROPERTY + " is '" + userPath
                        + "' but there is no " + fileName + " in that folder");
            }
            return candidate;
        }
        return extractBundled(fileName);
    }

    private static Path extractBundled(String fileName) {
        String resource = "/de/kherud/llama/" + osName() + "/" + archName() + "/" + fileName;
        Path target = Paths.get(System.getProperty("java.io.tmpdir"),
                "langchain4j-moi-" + System.getProperty("user.name", "user"),
                "jllama-" + JAVA_LLAMA_VERSION, osName(), archName(), fileName);
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new LlamaCppException("java-llama.cpp " + JAVA_LLAMA_VERSION + " ships no native library for "
                        + osName() + "/" + archName() + " (" + resource + "); build one and point "
                        + LIB_PATH_PROPERTY + " at its folder");
            }
            // the bundled file never changes for a given jar version: extract once, atomically
            if (!Files.isRegularFile(target)) {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), fileName, ".part");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new LlamaCppException("cannot extract the llama.cpp native library to " + target + ": " + e.getMessage(), e);
        }
    }

    /** OS folder names used inside the java-llama.cpp jar. */
    static String osName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return "Windows";
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return "Mac";
        }
        if (System.getProperty("java.vm.vendor", "").contains("Android")) {
            return "Linux-Android";
        }
        return "Linux";
    }

    /** Architecture folder names used inside the java-llama.cpp jar. */
    static String archName() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i686" -> "x86";
            default -> arch;
        };
    }

    private static void onNativeLog(int level, String text, com.sun.jna.Pointer userData) {
        if (text == null) {
            return;
        }
        String line = text.stripTrailing();
        if (line.isEmpty()) {
            return;
        }
        // ggml_log_level at b4916: NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5
        switch (level) {
            case 4 -> nativeLog.error(line);
            case 3 -> nativeLog.info(line); // llama.cpp warns about many harmless things (e.g. a context shorter than trained)
            case 2 -> nativeLog.debug(line);
            default -> nativeLog.trace(line);
        }
    }
}
