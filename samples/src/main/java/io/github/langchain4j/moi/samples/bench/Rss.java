package io.github.langchain4j.moi.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory of this process, from /proc (Linux); -1 elsewhere. */
final class Rss {

    private Rss() {
    }

    static double peakMib() {
        return field("VmHWM:");
    }

    static double currentMib() {
        return field("VmRSS:");
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
