package io.github.langchain4j.moi.samples.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The incremental results: a JSON Lines file with one {@link ResultRecord} per line, appended and flushed as soon as
 * each answer is checked. Opening an existing file resumes it: its records are loaded, and a last line cut short by
 * a crash is dropped (it was not finished). Records made with other settings are refused, so that one file never
 * mixes two experiments.
 */
public final class ResultsFile implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path path;
    private final Map<ResultRecord.Key, ResultRecord> records = new LinkedHashMap<>();
    private final FileChannel channel;
    private final Writer writer;

    private ResultsFile(Path path, String settings) throws IOException {
        this.path = path;
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        // one channel for lock, reading and appending: closing any other channel of the file would drop the lock
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            lock(channel, path);
            dropUnfinishedLastLine(channel);
            ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(channel.size()));
            while (content.hasRemaining() && channel.read(content, content.position()) >= 0) {
                // read until full
            }
            String text = new String(content.array(), StandardCharsets.UTF_8);
            List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                ResultRecord record;
                try {
                    record = JSON.readValue(lines.get(i), ResultRecord.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(path + " line " + (i + 1) + ": not a result record: "
                            + e.getOriginalMessage());
                }
                if (!settings.equals(record.settings())) {
                    throw new IllegalArgumentException(path + " holds results of other settings (line " + (i + 1)
                            + "); use another --out or --name, or delete the file to start over");
                }
                records.put(record.key(), record);
            }
            channel.position(channel.size());
            this.writer = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Two evals appending to one file would interleave and duplicate records: the second one is refused. */
    private static void lock(FileChannel channel, Path path) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        }
        if (lock == null) {
            throw new IOException(path + " is in use by another eval; wait for it to finish, or use "
                    + "another --out or --name");
        }
    }

    /** Opens (and resumes) the file; {@code settings} is the fingerprint every record must carry. */
    public static ResultsFile open(Path path, String settings) throws IOException {
        return new ResultsFile(path, settings);
    }

    public Path path() {
        return path;
    }

    public synchronized boolean contains(ResultRecord.Key key) {
        return records.containsKey(key);
    }

    /** The records, in the order they were finished. */
    public synchronized List<ResultRecord> records() {
        return Collections.unmodifiableList(new ArrayList<>(records.values()));
    }

    /** Appends one record and flushes it to the file at once; safe from several threads (one line each). */
    public synchronized void append(ResultRecord record) throws IOException {
        writer.write(JSON.writeValueAsString(record));
        writer.write('\n');
        writer.flush();
        records.put(record.key(), record);
    }

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            channel.close(); // releases the lock
        }
    }

    /** A crash while writing can leave a last line without its newline: cut it off. */
    private static void dropUnfinishedLastLine(FileChannel channel) throws IOException {
        long size = channel.size();
        long keep = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (keep > 0) {
            one.clear();
            channel.read(one, keep - 1);
            if (one.get(0) == '\n') {
                break;
            }
            keep--;
        }
        if (keep < size) {
            channel.truncate(keep);
        }
    }
}
