package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.MoiMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import java.util.List;
import org.junit.jupiter.api.Test;

class MoiChatRequestParametersTest {

    private static MoiChatRequestParameters full() {
        return MoiChatRequestParameters.builder()
                .modelName("m")
                .temperature(0.5)
                .topP(0.9)
                .topK(10)
                .maxOutputTokens(100)
                .stopSequences(List.of("x"))
                .toolChoice(ToolChoice.AUTO)
                .responseFormat(ResponseFormat.JSON)
                .mode(MoiMode.DIRECT)
                .beta(2.0)
                .mixTopK(5)
                .minP(0.1)
                .repeatPenalty(1.2)
                .repeatLastN(16)
                .seed(7)
                .trace(true)
                .build();
    }

    @Test
    void override_with_moi_parameters_takes_their_set_values_and_keeps_the_rest() {
        MoiChatRequestParameters overridden = full().overrideWith(MoiChatRequestParameters.builder()
                .temperature(0.0)
                .mode(MoiMode.OFF)
                .seed(99)
                .trace(false)
                .build());

        assertThat(overridden.temperature()).isEqualTo(0.0);
        assertThat(overridden.mode()).isEqualTo(MoiMode.OFF);
        assertThat(overridden.seed()).isEqualTo(99);
        assertThat(overridden.trace()).isFalse();
        assertThat(overridden.beta()).isEqualTo(2.0);
        assertThat(overridden.mixTopK()).isEqualTo(5);
        assertThat(overridden.minP()).isEqualTo(0.1);
        assertThat(overridden.repeatPenalty()).isEqualTo(1.2);
        assertThat(overridden.repeatLastN()).isEqualTo(16);
        assertThat(overridden.topK()).isEqualTo(10);
        assertThat(overridden.modelName()).isEqualTo("m");
        assertThat(overridden.stopSequences()).containsExactly("x");
    }

    @Test
    void override_with_plain_parameters_keeps_the_moi_values() {
        MoiChatRequestParameters overridden = full().overrideWith(ChatRequestParameters.builder()
                .temperature(0.1)
                .maxOutputTokens(5)
                .build());

        assertThat(overridden.temperature()).isEqualTo(0.1);
        assertThat(overridden.maxOutputTokens()).isEqualTo(5);
        assertThat(overridden.mode()).isEqualTo(MoiMode.DIRECT);
        assertThat(overridden.beta()).isEqualTo(2.0);
        assertThat(overridden.trace()).isTrue();
    }

    @Test
    void plain_parameters_overridden_with_moi_parameters_lose_nothing_langchain4j_knows() {
        ChatRequestParameters plain = DefaultChatRequestParameters.builder().temperature(0.3).topK(3).build();

        ChatRequestParameters merged = plain.overrideWith(MoiChatRequestParameters.builder().topK(4).build());

        assertThat(merged.temperature()).isEqualTo(0.3);
        assertThat(merged.topK()).isEqualTo(4);
    }

    @Test
    void defaulted_by_keeps_own_values_and_fills_the_gaps_both_ways() {
        MoiChatRequestParameters request = MoiChatRequestParameters.builder().mode(MoiMode.OFF).temperature(0.2)
                .build();

        // as AI Services do: the method's parameters, defaulted by the service's tools and response format
        MoiChatRequestParameters byPlain = request.defaultedBy(ChatRequestParameters.builder()
                .temperature(0.9)
                .responseFormat(ResponseFormat.JSON)
                .build());
        assertThat(byPlain.mode()).isEqualTo(MoiMode.OFF);
        assertThat(byPlain.temperature()).isEqualTo(0.2);
        assertThat(byPlain.responseFormat()).isEqualTo(ResponseFormat.JSON);

        MoiChatRequestParameters byMoi = request.defaultedBy(full());
        assertThat(byMoi.mode()).isEqualTo(MoiMode.OFF);
        assertThat(byMoi.temperature()).isEqualTo(0.2);
        assertThat(byMoi.beta()).isEqualTo(2.0);
        assertThat(byMoi.seed()).isEqualTo(7);
        assertThat(byMoi.trace()).isTrue();
    }

    @Test
    void override_and_default_are_mirror_images() {
        MoiChatRequestParameters a = full();
        MoiChatRequestParameters b = MoiChatRequestParameters.builder().beta(9.0).temperature(1.0).build();

        assertThat(a.overrideWith(b)).isEqualTo(b.defaultedBy(a));
        assertThat(b.overrideWith(a)).isEqualTo(a.defaultedBy(b));
        assertThat(a.overrideWith(b)).isNotEqualTo(b.overrideWith(a));
    }

    @Test
    void overriding_with_empty_changes_nothing() {
        assertThat(full().overrideWith(MoiChatRequestParameters.EMPTY)).isEqualTo(full());
        assertThat(full().overrideWith(DefaultChatRequestParameters.EMPTY)).isEqualTo(full());
        assertThat(full().hashCode()).isEqualTo(full().overrideWith(MoiChatRequestParameters.EMPTY).hashCode());
        assertThat(full().toString()).contains("mode=DIRECT", "beta=2.0", "trace=true");
    }
}
