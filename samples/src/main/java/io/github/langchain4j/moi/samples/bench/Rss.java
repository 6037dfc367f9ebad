package io.github.langchain4j.moi.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory of this process, from /proc (Linux); -1 elsewhere. */
public final class Rss {

    private Rss() {
    }

    public static double peakMib() {
        return field("VmHWM:");
    }

    public static double currentMib() {
        return field("VmRSS:");
    }

    /** The current RSS in anonymous memory (heaps, KV cache, buffers). */
    public static double anonymousMib() {
        return field("RssAnon:");
    }

    /** The current RSS in mapped files (the model, libraries). */
    public static double fileMib() {
        return field("RssFile:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
