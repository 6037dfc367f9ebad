package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The resource the engine reads; its content is held to measurement by the two *ArchitecturesTest classes. */
class VerifiedArchitecturesTest {

    @Test
    void the_architectures_the_issue_names_are_verified_on_the_runtime_that_has_them() {
        assertThat(VerifiedArchitectures.of(VerifiedArchitectures.CURRENT)).contains("llama", "qwen2", "qwen3",
                "qwen3moe", "gemma", "gemma2", "gemma3", "phi3", "granite", "mistral3");
        assertThat(VerifiedArchitectures.of(VerifiedArchitectures.B4916)).contains("llama", "qwen2", "gemma",
                "gemma2", "gemma3", "phi3", "granite").doesNotContain("qwen3", "qwen3moe", "mistral3");
    }

    @Test
    void gemma3_rows_are_scaled_by_sqrt_n_embd_and_other_rows_are_not() {
        for (String runtime : new String[]{VerifiedArchitectures.B4916, VerifiedArchitectures.CURRENT}) {
            assertThat(VerifiedArchitectures.inputScale(runtime, "gemma3", 640)).isEqualTo((float) Math.sqrt(640));
            assertThat(VerifiedArchitectures.inputScale(runtime, "gemma", 640)).isEqualTo(1f);
            assertThat(VerifiedArchitectures.inputScale(runtime, "granite", 640)).isEqualTo(1f);
            assertThat(VerifiedArchitectures.inputScale(runtime, "no-such-arch", 640)).isEqualTo(1f);
            assertThat(VerifiedArchitectures.isVerified(runtime, "no-such-arch")).isFalse();
        }
    }
}
