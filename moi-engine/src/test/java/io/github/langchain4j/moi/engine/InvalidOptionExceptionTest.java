package io.github.langchain4j.moi.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.langchain4j.moi.testing.AllOptions;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each record names the option it rejects, and the value, in a typed exception that front ends map without parsing. */
class InvalidOptionExceptionTest {

    private static final GenerationRequest REQUEST = new GenerationRequest("p", SamplingOptions.DEFAULTS,
            MoiOptions.DEFAULTS, 1, List.of(), null, false);
    private static final EngineConfig CONFIG = EngineConfig.of(Path.of("model.gguf"));

    /** A value out of range for every option that has a range. */
    private static final Map<String, Object> INVALID = Map.ofEntries(
            Map.entry("temperature", -1.0),
            Map.entry("topK", -1),
            Map.entry("topP", 2.0),
            Map.entry("minP", 1.0),
            Map.entry("repeatPenalty", 0.0),
            Map.entry("repeatLastN", -1),
            Map.entry("frequencyPenalty", Double.NaN),
            Map.entry("presencePenalty", Double.POSITIVE_INFINITY),
            Map.entry("beta", -0.5),
            Map.entry("mixTopK", 0),
            Map.entry("maxTokens", 0),
            Map.entry("stopStrings", List.of("")),
            Map.entry("grammar", ""),
            Map.entry("contextSize", -1),
            Map.entry("threads", EngineConfig.MAX_THREADS + 1),
            Map.entry("batchSize", 0),
            Map.entry("gpuLayers", -2),
            Map.entry("maxSequences", 0));

    @Test
    void everyRejectedValueIsReportedWithTheOptionsNameAndValue() {
        assertThat(AllOptions.names()).containsAll(INVALID.keySet());
        for (var entry : INVALID.entrySet()) {
            InvalidOptionException e = catchThrowableOfType(InvalidOptionException.class,
                    () -> build(entry.getKey(), entry.getValue()));

            assertThat(e).as(entry.getKey()).isNotNull();
            assertThat(e.optionName()).isEqualTo(entry.getKey());
            assertThat(e.value()).isEqualTo(entry.getValue());
        }
    }

    @Test
    void theMessagesStayAsTheyWere() {
        assertThatThrownBy(() -> SamplingOptions.DEFAULTS.withTemperature(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperature must be a finite number >= 0, was -1.0");
        assertThatThrownBy(() -> build("topP", 2.0)).hasMessage("topP must be in (0, 1], was 2.0");
        assertThatThrownBy(() -> build("stopStrings", List.of("a", ""))).hasMessage(
                "stopSequences must not contain an empty string (element 1 of 2)");
    }

    @Test
    void theProductOfContextAndSequencesIsReportedAsContextSize() {
        InvalidOptionException e = catchThrowableOfType(InvalidOptionException.class,
                () -> CONFIG.withContextSize(1 << 20).withMaxSequences(2));

        assertThat(e.optionName()).isEqualTo("contextSize");
        assertThat(e.value()).isEqualTo(1 << 20);
    }

    @Test
    void aBadGrammarNamesTheGrammar() {
        InvalidOptionException e = catchThrowableOfType(InvalidOptionException.class,
                () -> build("grammar", "root ::= missing"));

        assertThat(e.optionName()).isEqualTo("grammar");
        assertThat(e.getCause()).isNotNull();
        assertThat(e.getMessage()).isEqualTo(e.getCause().getMessage());
    }

    /** The default request and configuration with one option replaced, through the records' constructors. */
    private static Object build(String option, Object value) throws Exception {
        SamplingOptions sampling = with(SamplingOptions.DEFAULTS, option, value);
        MoiOptions moi = with(MoiOptions.DEFAULTS, option, value);
        with(CONFIG, option, value);
        return with(new GenerationRequest(REQUEST.prompt(), sampling, moi, REQUEST.maxTokens(), REQUEST.stopStrings(),
                REQUEST.grammar(), REQUEST.trace()), option, value);
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R with(R record, String option, Object value) throws Exception {
        RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        boolean found = false;
        for (int i = 0; i < components.length; i++) {
            found |= components[i].getName().equals(option);
            values[i] = components[i].getName().equals(option) ? value : components[i].getAccessor().invoke(record);
        }
        if (!found) {
            return record;
        }
        Constructor<?> canonical = record.getClass().getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        try {
            return (R) canonical.newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }
}
