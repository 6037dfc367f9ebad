package io.github.langchain4j.moi.testing;

import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.MoiSupport;
import io.github.langchain4j.moi.engine.SamplingOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every option of the engine, listed by reflection over its records ({@link SamplingOptions}, {@link MoiOptions},
 * {@link GenerationRequest}, {@link EngineConfig}), each with a valid value that differs from the library's default.
 * For the tests that set every option through a front end (builder, request parameters, Spring properties, command
 * line) and check that it reaches the engine: an option added to a record shows up here by itself, so a front end
 * that does not offer it fails those tests.
 */
public final class AllOptions {

    /**
     * Record components that are not options: the input, and the option records themselves. The thinking segment's
     * markers come from the model's template (or the think-then-answer mode); its budget is the option
     * {@value #THINKING_BUDGET}.
     */
    private static final Set<String> NOT_OPTIONS = Set.of("prompt", "sampling", "moi", "thinking");

    /** The budget of {@code GenerationRequest.thinking()}; reaches the engine where the request has a segment. */
    public static final String THINKING_BUDGET = "thinkingBudget";

    /** A valid value for each option, none of them the default; a new option needs one here. */
    private static final Map<String, Object> SAMPLES = Map.ofEntries(
            Map.entry("temperature", 0.3),
            Map.entry("topK", 11),
            Map.entry("topP", 0.8),
            Map.entry("minP", 0.02),
            Map.entry("repeatPenalty", 1.1),
            Map.entry("repeatLastN", 32),
            Map.entry("seed", 1234L),
            Map.entry("frequencyPenalty", 0.4),
            Map.entry("presencePenalty", 0.25),
            Map.entry("temperatureFirst", true),
            Map.entry("mode", MoiMode.DIRECT),
            Map.entry("beta", 2.5),
            Map.entry("mixTopK", 7),
            Map.entry("support", MoiSupport.REFERENCE),
            Map.entry("scope", MoiScope.THINKING),
            Map.entry(THINKING_BUDGET, 333),
            Map.entry("maxTokens", 99),
            Map.entry("stopStrings", List.of("STOP", "END")),
            Map.entry("grammar", "root ::= \"yes\" | \"no\""),
            Map.entry("trace", true),
            Map.entry("modelPath", Path.of("/models/other.gguf")),
            Map.entry("contextSize", 2048),
            Map.entry("threads", 3),
            Map.entry("batchSize", 256),
            Map.entry("gpuLayers", -1),
            Map.entry("useMmap", false),
            Map.entry("maxSequences", 2),
            Map.entry("prefillChunk", 16),
            Map.entry("llamaCppPath", Path.of(System.getProperty("java.io.tmpdir"))),
            Map.entry("allowUnverifiedArchitecture", true));

    private AllOptions() {
    }

    /** The names of all options: the engine's names, those that {@code InvalidOptionException.optionName()} gives. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(requestOptionNames());
        names.addAll(loadTimeOptionNames());
        return names;
    }

    /** The options of one generation: sampler, MoI and stop conditions. */
    public static List<String> requestOptionNames() {
        List<String> names = new ArrayList<>();
        for (Class<?> type : List.of(SamplingOptions.class, MoiOptions.class, GenerationRequest.class)) {
            names.addAll(componentNames(type));
        }
        names.removeAll(NOT_OPTIONS);
        names.add(THINKING_BUDGET);
        return names;
    }

    /** The options fixed when the model is loaded. */
    public static List<String> loadTimeOptionNames() {
        return componentNames(EngineConfig.class);
    }

    /** A valid value of the option that is not its default. */
    public static Object sample(String name) {
        Object value = SAMPLES.get(name);
        if (value == null) {
            throw new AssertionError("no sample value for the option '" + name + "': add one to AllOptions");
        }
        return value;
    }

    /** The option's value in what reached the engine. */
    public static Object read(String name, GenerationRequest request, EngineConfig config) {
        if (name.equals(THINKING_BUDGET)) {
            return request.thinking() == null ? null : request.thinking().budget();
        }
        for (Record record : List.of(request.sampling(), request.moi(), request, config)) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                if (component.getName().equals(name)) {
                    try {
                        return component.getAccessor().invoke(record);
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no option '" + name + "' in the engine's records");
    }

    /**
     * The option's default: its value in a request and configuration made of the library's defaults; null for
     * {@code maxTokens}, which has none (every request states it).
     */
    public static Object libraryDefault(String name) {
        if (name.equals("maxTokens")) {
            return null;
        }
        GenerationRequest defaults = new GenerationRequest("p", SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, 1,
                List.of(), null, false);
        return read(name, defaults, EngineConfig.of(Path.of("model.gguf")));
    }

    /**
     * {@code value} as the type a front end's setter takes: the engine's {@code long} seed is an {@code Integer} in
     * LangChain4j's parameters, for example.
     */
    public static Object as(Class<?> type, Object value) {
        if ((type == Integer.class || type == int.class) && value instanceof Number number) {
            return Math.toIntExact(number.longValue());
        }
        if ((type == Double.class || type == double.class) && value instanceof Number number) {
            return number.doubleValue();
        }
        if ((type == Long.class || type == long.class) && value instanceof Number number) {
            return number.longValue();
        }
        return value;
    }

    private static List<String> componentNames(Class<?> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
