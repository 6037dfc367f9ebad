package io.github.langchain4j.moi.model;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a second JVM by {@link ModelCacheTest}: locks the file named by its argument, prints "locked",
 * and holds the lock until its standard input closes.
 */
public final class LockHolder {

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold the lock
            }
        }
    }
}
