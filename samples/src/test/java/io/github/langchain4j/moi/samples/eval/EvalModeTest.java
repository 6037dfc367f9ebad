package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.MoiMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvalModeTest {

    @Test
    void moiAloneExpandsToTheBetaGrid() {
        List<EvalMode> modes = EvalMode.parseList("off,moi,direct", EvalMode.PAPER_BETAS);
        assertThat(modes).extracting(EvalMode::label).containsExactly("off", "moi:0.25", "moi:0.5", "moi:1", "moi:2",
                "moi:4", "moi:8", "direct");
    }

    @Test
    void parsesSingleBetasAndDropsDuplicates() {
        List<EvalMode> modes = EvalMode.parseList(" OFF , moi:1, moi:1.0, moi:2.5 ", List.of());
        assertThat(modes).extracting(EvalMode::label).containsExactly("off", "moi:1", "moi:2.5");
        assertThat(modes.get(1).toOptions(20).mode()).isEqualTo(MoiMode.MOI);
        assertThat(modes.get(2).toOptions(20).beta()).isEqualTo(2.5);
    }

    @Test
    void rejectsBadModes() {
        assertThatThrownBy(() -> EvalMode.parseList("of", List.of())).hasMessageContaining("moi, direct, off");
        assertThatThrownBy(() -> EvalMode.parseList("off:2", List.of())).hasMessageContaining("only moi takes a beta");
        assertThatThrownBy(() -> EvalMode.parseList("moi:x", List.of())).hasMessageContaining("bad beta");
        assertThatThrownBy(() -> EvalMode.parseList("moi:-1", List.of())).hasMessageContaining("beta");
        assertThatThrownBy(() -> EvalMode.parseList(",", List.of())).hasMessageContaining("no modes");
    }

    @org.junit.jupiter.api.Test
    void referenceSupportArmsHaveTheirOwnLabels() {
        List<EvalMode> modes = EvalMode.parseList("off,moi-ref:1,moi:1,direct-ref", List.of());
        org.assertj.core.api.Assertions.assertThat(modes).extracting(EvalMode::label)
                .containsExactly("off", "moi-ref:1", "moi:1", "direct-ref");
        org.assertj.core.api.Assertions.assertThat(modes.get(1).toOptions(20).support())
                .isEqualTo(io.github.langchain4j.moi.engine.MoiSupport.REFERENCE);
        org.assertj.core.api.Assertions.assertThat(modes.get(2).toOptions(20).support())
                .isEqualTo(io.github.langchain4j.moi.engine.MoiSupport.EXTENDED);
    }
}
