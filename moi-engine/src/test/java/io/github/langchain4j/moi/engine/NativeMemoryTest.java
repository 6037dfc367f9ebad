package io.github.langchain4j.moi.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Native memory stays bounded over 100 load/close cycles of the tiny model and 200 sequential generations:
 * the resident set size (VmRSS of /proc/self/status, so Linux only) less the committed Java heap grows by
 * less than 64 MiB after a warm-up. Before each reading, glibc's malloc_trim hands freed memory back to the system,
 * so a reading holds what is in use: an open engine of the tiny model reads about 45-50 MiB (llama.cpp's buffers),
 * and a close() that freed nothing would add that at every cycle. Without the trim, readings held what the allocator
 * kept of freed memory (arenas of new threads, the JIT compiler's work areas): an open engine read 1.5 MiB on an
 * idle machine (the last engine's freed memory, reused) and 49 MiB once in CI on a busy one, where the cycles then
 * read +76 MiB. With it, 100 cycles read +13 to +26 MiB (three runs on an idle machine; +14 MiB twice with both cores busy).
 */
class NativeMemoryTest {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long LIMIT = 64L << 20;

    /** glibc's {@code malloc_trim}; absent elsewhere (musl), where readings include what the allocator keeps. */
    interface LibC extends Library {
        int malloc_trim(long pad);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void load_close_cycles_and_generations_keep_memory_bounded() {
        assumeTrue(Files.isReadable(STATUS), "VmRSS is read from /proc/self/status, which exists on Linux only");
        Path model = TinyModel.shared();
        EngineConfig config = new EngineConfig(model, 256, 1, 512, 0, true);

        for (int i = 0; i < 30; i++) {
            cycle(config);
        }
        // generation runs on the engine's decoding thread: warm that thread's allocator arena up as well
        try (MoiEngine warm = MoiEngine.load(config)) {
            warm.generate(request(MoiMode.MOI, 8), null);
        }
        long beforeCycles = settledRss();
        long oneOpen;
        try (MoiEngine held = MoiEngine.load(config)) {
            held.generate(request(MoiMode.MOI, 8), null);
            oneOpen = settledRss() - beforeCycles;
        }
        for (int i = 0; i < 100; i++) {
            cycle(config);
        }
        long afterCycles = settledRss();

        long afterGenerations;
        try (MoiEngine engine = MoiEngine.load(config)) {
            for (int i = 0; i < 20; i++) {
                engine.generate(request(MoiMode.values()[i % 3], 16), null);
            }
            long beforeGenerations = settledRss();
            for (int i = 0; i < 200; i++) {
                GenerationRequest request = request(MoiMode.values()[i % 3], 16).withTrace(i % 2 == 0);
                assertThat(engine.generate(request, null).outputTokens()).isEqualTo(16);
            }
            afterGenerations = settledRss();
            System.out.printf("VmRSS: one open engine +%d KiB; 100 load/close cycles %+d KiB; 200 generations %+d KiB%n",
                    oneOpen >> 10, (afterCycles - beforeCycles) >> 10, (afterGenerations - beforeGenerations) >> 10);
            assertThat(afterGenerations - beforeGenerations).as("growth over 200 generations").isLessThan(LIMIT);
        }
        assertThat(afterCycles - beforeCycles).as("growth over 100 load/close cycles").isLessThan(LIMIT);
    }

    private static void cycle(EngineConfig config) {
        try (MoiEngine engine = MoiEngine.load(config)) {
            engine.generate(request(MoiMode.MOI, 2), null);
        }
    }

    private static GenerationRequest request(MoiMode mode, int maxTokens) {
        return GenerationRequest.of("the quick brown fox", SamplingOptions.DEFAULTS, new MoiOptions(mode, 1.0, 20), maxTokens);
    }

    /**
     * RSS after the garbage collector ran the cleaners of unreachable JNA memory and file mappings, less the
     * committed Java heap (its growth is the JVM's, not native memory's).
     */
    private static long settledRss() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        trimMalloc();
        return rss() - Runtime.getRuntime().totalMemory();
    }

    private static void trimMalloc() {
        try {
            Native.load("c", LibC.class).malloc_trim(0);
        } catch (UnsatisfiedLinkError e) {
            // not glibc: nothing to trim with
        }
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10; // kB
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS line in " + STATUS);
    }
}
