package io.github.langchain4j.moi.samples;

import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The two applications under samples/outside, built as a user builds them: separate Maven projects against
 * the artifacts installed in the local Maven repository, not against the reactor. A dependency a module
 * forgets to declare, or a class only the reactor provides, fails their build here. Each then answers one
 * question on the default model.
 * <p>
 * The install step puts the jars this build has just packaged (and the poms they need, the parent's included)
 * into the local repository with install:install-file, as {@code mvn install} would.
 */
class OutsideBuildIT {

    private static final Duration MAVEN_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration APP_TIMEOUT = Duration.ofMinutes(3);
    private static final String ANSWER_PREFIX = "Answer: ";

    private static Path root;
    private static Path modelCacheDir;

    @TempDir
    static Path work;

    @BeforeAll
    static void installArtifactsAndModel() throws Exception {
        root = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
        Path rootPom = root.resolve("pom.xml");
        assertThat(rootPom).as("the repository root's pom").isRegularFile();

        install(rootPom, rootPom, "pom");
        Element parent = read(rootPom);
        String version = child(parent, "version");
        for (String module : modules(parent)) {
            if (module.startsWith("samples")) {
                continue;
            }
            Path moduleDir = root.resolve(module);
            Element pom = read(moduleDir.resolve("pom.xml"));
            String packaging = child(pom, "packaging");
            if ("pom".equals(packaging)) {
                install(moduleDir.resolve("pom.xml"), moduleDir.resolve("pom.xml"), "pom");
            } else {
                Path jar = moduleDir.resolve("target").resolve(child(pom, "artifactId") + "-" + version + ".jar");
                assertPackaged(jar, moduleDir.resolve("src/main"));
                install(jar, moduleDir.resolve("pom.xml"), null);
            }
        }

        // fetched once here when absent; the applications then find the default model in this cache
        ModelCache cache = new ModelCache();
        cache.resolve(KnownModel.DEFAULT);
        modelCacheDir = cache.directory();
    }

    @Test
    void plainJavaApplicationBuildsAgainstTheInstalledLibraryAndAnswers() throws Exception {
        Path project = copyProject("plain-java");
        run(project, MAVEN_TIMEOUT, maven("package"));
        assertOneJacksonVersion(project.resolve("target/lib"));

        String classpath = project.resolve("target/moi-plain-java-1.0.jar") + java.io.File.pathSeparator
                + project.resolve("target/lib/*");
        String output = run(project, APP_TIMEOUT, List.of(java(), "-Dmoi.cache.dir=" + modelCacheDir,
                "-cp", classpath, "example.Main"));

        assertAnswered(output);
    }

    @Test
    void springBootApplicationBuildsAgainstTheInstalledStarterAndAnswers() throws Exception {
        Path project = copyProject("spring-boot");
        run(project, MAVEN_TIMEOUT, maven("package"));

        String output = run(project, APP_TIMEOUT, List.of(java(), "-Dmoi.cache.dir=" + modelCacheDir,
                "-jar", project.resolve("target/moi-spring-boot-1.0.jar").toString()));

        assertAnswered(output);
    }

    /**
     * Jackson's modules work together only at one minor version (2.20 numbers jackson-annotations without a
     * patch): without a BOM in the application, the library's pom decides. A mixed set once slipped through
     * here: databind 2.19.2 from the library, core 2.20.1 and annotations 2.20 from langchain4j-core, yaml and
     * jdk8 2.14.0 from jinjava.
     */
    private static void assertOneJacksonVersion(Path lib) throws IOException {
        try (Stream<Path> jars = Files.list(lib)) {
            List<String> jackson = jars.map(jar -> jar.getFileName().toString())
                    .filter(name -> name.startsWith("jackson-")).sorted().toList();
            assertThat(jackson).as("Jackson jars in %s", lib).isNotEmpty();
            assertThat(jackson.stream().map(OutsideBuildIT::minorVersion).distinct())
                    .as("Jackson versions of %s", jackson).hasSize(1);
        }
    }

    /** "jackson-core-2.19.2.jar" to "2.19". */
    private static String minorVersion(String jarName) {
        String[] version = jarName.substring(jarName.lastIndexOf('-') + 1).split("\\.");
        return version[0] + "." + version[1];
    }

    private static void assertAnswered(String output) {
        List<String> answers = output.lines().filter(line -> line.startsWith(ANSWER_PREFIX)).toList();
        assertThat(answers).as("answer lines in:%n%s", output).hasSize(1);
        assertThat(answers.get(0).substring(ANSWER_PREFIX.length())).as("the answer in:%n%s", output).isNotBlank();
        System.out.println(answers.get(0));
    }

    /** install:install-file of one artifact; the pom gives its coordinates. */
    private static void install(Path file, Path pom, String packaging) throws Exception {
        List<String> command = maven("install:install-file", "-Dfile=" + file, "-DpomFile=" + pom);
        if (packaging != null) {
            command.add("-Dpackaging=" + packaging);
        }
        run(work, MAVEN_TIMEOUT, command);
    }

    /** A jar older than its module's sources would test yesterday's code: the build must package first. */
    private static void assertPackaged(Path jar, Path sources) throws IOException {
        if (!Files.isRegularFile(jar)) {
            fail(jar + " is missing: package the library modules first (mvn package, or mvn verify from the root)");
        }
        FileTime packaged = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(sources)) {
            List<Path> newer = files.filter(Files::isRegularFile)
                    .filter(file -> lastModified(file).compareTo(packaged) > 0).limit(3).toList();
            assertThat(newer).as("sources newer than %s (package again)", jar).isEmpty();
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh copy of the project, without any target folder, away from the reactor's poms. */
    private static Path copyProject(String name) throws IOException {
        Path source = root.resolve("samples/outside").resolve(name);
        Path copy = work.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(file -> !source.relativize(file).toString().startsWith("target")).toList()) {
                Path target = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return copy;
    }

    /**
     * A Maven command line, offline when this build is (the launcher script passes its arguments on in
     * MAVEN_CMD_LINE_ARGS) and with the same local repository.
     */
    private static List<String> maven(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "mvn.cmd" : "mvn");
        command.add("-B");
        command.add("-q");
        for (String argument : String.valueOf(System.getenv("MAVEN_CMD_LINE_ARGS")).trim().split("\\s+")) {
            if (argument.equals("-o") || argument.equals("--offline") || argument.startsWith("-Dmaven.repo.local=")) {
                command.add(argument);
            }
        }
        command.addAll(List.of(arguments));
        return command;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs the command in the folder; fails with its output when it exits non-zero or outlasts the timeout. */
    private static String run(Path folder, Duration timeout, List<String> command) throws Exception {
        Path log = Files.createTempFile(work, "process", ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!exited) {
            fail("Timed out after " + timeout + ": " + String.join(" ", command) + "\n" + output);
        }
        if (process.exitValue() != 0) {
            fail("Exit code " + process.exitValue() + ": " + String.join(" ", command) + "\n" + output);
        }
        System.out.printf("%.1f s: %s%n", (System.nanoTime() - start) / 1e9, String.join(" ", command));
        return output;
    }

    private static Element read(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return document.getDocumentElement();
    }

    /** The text of a direct child element, or null. */
    private static String child(Element element, String name) {
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(name)) {
                return child.getTextContent().trim();
            }
        }
        return null;
    }

    private static List<String> modules(Element project) {
        List<String> modules = new ArrayList<>();
        for (Node node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals("modules")) {
                for (Node module = element.getFirstChild(); module != null; module = module.getNextSibling()) {
                    if (module instanceof Element m && m.getTagName().equals("module")) {
                        modules.add(m.getTextContent().trim());
                    }
                }
            }
        }
        return modules;
    }
}
