package io.github.langchain4j.moi.samples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place where the commands read input files and check output files, so that every command gets the same
 * guarantees: an input is a readable regular file (never a device, FIFO, directory or link loop), a whole-file read
 * has a size limit, a decoding error names the file and the byte, and an output never names one of the inputs.
 * Every failure is an {@link UncheckedIOException} whose message names the file and what it was for.
 */
public final class SafeFiles {

    /** Most bytes read from one prompt, grammar, dataset or document: far more than any context window holds. */
    public static final long MAX_TEXT_BYTES = 64L << 20;

    private SafeFiles() {
    }

    /** An input file and what it is for ("model file", "grammar file"), for the messages. */
    public record Input(String what, Path path) {
    }

    /**
     * Checks that {@code path} names a readable regular file.
     *
     * @param what what the file is for, e.g. "dataset"; starts the message
     */
    public static Path requireRegularFile(Path path, String what) {
        String problem = problem(path);
        if (problem != null) {
            throw failure(what + " " + quote(path) + " " + problem);
        }
        return path;
    }

    /** Why {@code path} cannot be read as a file, or null when it can. */
    static String problem(Path path) {
        if (path.toString().isEmpty()) {
            return "is an empty path";
        }
        if (!Files.exists(path)) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    path.toRealPath();
                } catch (FileSystemException e) {
                    String reason = String.valueOf(e.getReason()).toLowerCase(Locale.ROOT);
                    if (reason.contains("symbolic links")) {
                        return "is a symbolic link loop";
                    }
                } catch (IOException ignored) {
                    // a dangling link: reported below
                }
                return "is a symbolic link to a missing file";
            }
            return "not found";
        }
        if (Files.isDirectory(path)) {
            return "is a directory, not a file";
        }
        if (!Files.isRegularFile(path)) {
            return "is not a regular file (a device, FIFO or socket)";
        }
        if (!Files.isReadable(path)) {
            return "is not readable (permission denied)";
        }
        return null;
    }

    /** Reads a whole UTF-8 text file of at most {@code maxBytes}. */
    public static String readText(Path path, String what, long maxBytes) {
        requireRegularFile(path, what);
        try (InputStream in = Files.newInputStream(path)) {
            return readText(in, what + " " + quote(path), maxBytes);
        } catch (IOException e) {
            throw failure("cannot read " + what + " " + quote(path) + ": " + MoiCli.reason(e));
        }
    }

    /**
     * Reads a whole UTF-8 stream (e.g. stdin) of at most {@code maxBytes}; {@code name} names it in messages.
     */
    public static String readText(InputStream in, String name, long maxBytes) throws IOException {
        // one byte more than allowed tells a file at the limit from a larger one, whatever its reported size
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw failure(name + " is larger than " + megabytes(maxBytes) + " MB");
        }
        return decodeUtf8(bytes, name);
    }

    /** Strict UTF-8: a malformed byte is an error naming the input and the byte's offset, never a silent '?'. */
    static String decodeUtf8(byte[] bytes, String name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw failure(name + " is not valid UTF-8 text (byte offset " + in.position() + ")");
        }
        return out.flip().toString();
    }

    /**
     * Refuses an output file that is one of the inputs (the same file by its real path, links followed), or that
     * is a directory; call it before the output is opened, as opening truncates.
     *
     * @param what what the output is for, e.g. "trace file"
     */
    public static Path requireNotAnInput(Path output, String what, Input... inputs) {
        if (output.toString().isEmpty()) {
            throw failure(what + " is an empty path");
        }
        if (Files.isDirectory(output)) {
            throw failure(what + " " + quote(output) + " is a directory, not a file");
        }
        if (!Files.exists(output)) {
            return output; // a new file cannot be an existing input
        }
        for (Input input : inputs) {
            if (input == null || input.path() == null || !Files.exists(input.path())) {
                continue;
            }
            try {
                if (Files.isSameFile(output, input.path())) {
                    throw failure(what + " " + quote(output) + " is the " + input.what() + " (" + input.path()
                            + "); refusing to overwrite an input");
                }
            } catch (IOException e) {
                throw failure("cannot check " + what + " " + quote(output) + ": " + MoiCli.reason(e));
            }
        }
        return output;
    }

    private static String quote(Path path) {
        return path.toString().isEmpty() ? "''" : path.toString();
    }

    private static long megabytes(long bytes) {
        return bytes >> 20;
    }

    private static UncheckedIOException failure(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }
}
