package io.github.langchain4j.moi.samples.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./moi} script itself, run with bash on a copy of the repository's layout. Maven is replaced by a fake
 * ({@code MVN}) that "builds" a stub jar in a moment, so the test shows what the script does with a build's result:
 * an interrupted build is redone, two runs at once build once, arguments arrive as UTF-8 under a POSIX locale.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class MoiScriptTest {

    /** Stands in for the command line: prints its arguments as code points, in ASCII whatever the locale. */
    private static final String STUB = """
            package io.github.langchain4j.moi.samples.cli;
            public class MoiCli {
                public static void main(String[] args) {
                    StringBuilder out = new StringBuilder("stub-moi");
                    for (String arg : args) {
                        out.append(' ');
                        arg.codePoints().forEach(c -> out.append(c < 128 ? Character.toString(c) : "U+" + Integer.toHexString(c)));
                    }
                    System.out.println(out);
                }
            }
            """;

    /** A fake mvn: counts its runs, copies the stub jar and a dependency; FAKE_HANG stops it midway, for good. */
    private static final String FAKE_MVN = """
            #!/usr/bin/env bash
            set -eu
            here="$(cd "$(dirname "$0")" && pwd)"
            target="$here/repo/samples/target"
            echo build >>"$here/builds"
            mkdir -p "$target/lib"
            sleep "${FAKE_SLEEP:-0}"
            if [ -n "${FAKE_HANG:-}" ]; then
              head -c 200 "$here/stub.jar" >"$target/langchain4j-moi-samples-0.1.jar"
              sleep 60
            fi
            cp "$here/stub.jar" "$target/langchain4j-moi-samples-0.1.jar"
            cp "$here/stub.jar" "$target/lib/dependency.jar"
            truncate -s 1M "$target/lib/sparse.bin"
            """;

    @TempDir
    Path dir;

    Path repo;

    @BeforeEach
    void layout() throws Exception {
        Path script = Path.of("").toAbsolutePath().getParent().resolve("moi");
        assertThat(script).as("the moi script at the repository root").exists();
        repo = Files.createDirectories(dir.resolve("repo"));
        Files.copy(script, repo.resolve("moi"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("moi-engine/src"));
        Files.createDirectories(repo.resolve("langchain4j-moi/src"));
        Files.createDirectories(repo.resolve("samples/src"));
        Files.writeString(repo.resolve("samples/pom.xml"), "<project/>");
        Path fakeMvn = Files.writeString(dir.resolve("fake-mvn"), FAKE_MVN);
        Files.setPosixFilePermissions(fakeMvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        writeStubJar(dir.resolve("stub.jar"));
        // sources older than any build
        for (Path p : List.of(repo.resolve("pom.xml"), repo.resolve("samples/pom.xml"))) {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        }
    }

    private void writeStubJar(Path jar) throws IOException {
        Path src = Files.createDirectories(dir.resolve("stub-src/io/github/langchain4j/moi/samples/cli"));
        Path source = Files.writeString(src.resolve("MoiCli.java"), STUB);
        Path classes = Files.createDirectories(dir.resolve("stub-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), source.toString())).isZero();
        Path compiled = classes.resolve("io/github/langchain4j/moi/samples/cli/MoiCli.class");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("io/github/langchain4j/moi/samples/cli/MoiCli.class"));
            out.write(Files.readAllBytes(compiled));
            out.closeEntry();
        }
    }

    private ProcessBuilder moi(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("moi").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("MVN", dir.resolve("fake-mvn").toString());
        builder.environment().putAll(env);
        return builder;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result finish(Process process) throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("./moi ends").isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Result run(String... args) throws Exception {
        return finish(moi(Map.of(), args).start());
    }

    private int builds() throws IOException {
        Path builds = dir.resolve("builds");
        return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
    }

    private Path jar() {
        return repo.resolve("samples/target/langchain4j-moi-samples-0.1.jar");
    }

    @Test
    void aBuildKilledAfterTheJarWasFirstWrittenIsRedoneByTheNextRun() throws Exception {
        Process interrupted = moi(Map.of("FAKE_HANG", "1"), "--version").start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(jar()) && Files.size(jar()) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(jar()).as("the build wrote its jar").exists();
        interrupted.descendants().forEach(ProcessHandle::destroyForcibly);
        interrupted.destroyForcibly();
        interrupted.waitFor(10, TimeUnit.SECONDS);
        assertThat(Files.size(jar())).as("a truncated jar is left").isEqualTo(200);

        Result next = run("--version");

        assertThat(next.code()).as(next.err()).isZero();
        assertThat(next.out()).isEqualTo("stub-moi --version\n");
        assertThat(builds()).isEqualTo(2);

        Result again = run("--version");
        assertThat(again.code()).isZero();
        assertThat(builds()).as("a finished build is used as it is").isEqualTo(2);
    }

    @Test
    void aFileSystemThatAllocatesTheBuildsBlocksLaterDoesNotCauseARebuild() throws Exception {
        assertThat(run("--version").code()).isZero();
        // the same name, size and time, now with its blocks allocated: ls -l's "total" changes, the build does not
        Path sparse = repo.resolve("samples/target/lib/sparse.bin");
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(sparse);
        Files.write(sparse, new byte[(int) Files.size(sparse)]);
        Files.setLastModifiedTime(sparse, time);

        Result next = run("--version");

        assertThat(next.code()).as(next.err()).isZero();
        assertThat(builds()).as("a finished build is used as it is").isEqualTo(1);
    }

    @Test
    void aDamagedJarIsRebuilt() throws Exception {
        assertThat(run("--version").code()).isZero();
        byte[] bytes = Files.readAllBytes(jar());
        Files.write(jar(), java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Result next = run("--version");

        assertThat(next.code()).as(next.err()).isZero();
        assertThat(next.out()).isEqualTo("stub-moi --version\n");
        assertThat(builds()).isEqualTo(2);
    }

    @Test
    void twoRunsStartedAtOnceOnAFreshCloneBothWorkAndBuildOnce() throws Exception {
        Process first = moi(Map.of("FAKE_SLEEP", "2"), "--version").start();
        Process second = moi(Map.of("FAKE_SLEEP", "2"), "--version").start();

        Result a = finish(first);
        Result b = finish(second);

        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(a.out()).isEqualTo("stub-moi --version\n");
        assertThat(b.out()).isEqualTo("stub-moi --version\n");
        assertThat(builds()).isEqualTo(1);
    }

    @Test
    void argumentsArriveAsUtf8UnderAPosixLocale() throws Exception {
        assertThat(run("--version").code()).isZero();
        // the bytes of "héllo" in UTF-8, made by printf, whatever this JVM's own encoding
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "exec bash \"$0\" chat \"$(printf 'h\\303\\251llo')\"", repo.resolve("moi").toString());
        builder.environment().put("MVN", dir.resolve("fake-mvn").toString());
        builder.environment().put("LC_ALL", "POSIX");

        Result result = finish(builder.start());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("stub-moi chat hU+e9llo\n");
    }
}
