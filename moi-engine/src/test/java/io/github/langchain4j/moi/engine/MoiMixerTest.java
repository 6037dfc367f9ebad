package io.github.langchain4j.moi.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MoiMixerTest {

    private static final double EPS = 1e-12;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private static MoiOptions moi(double beta, int k) {
        return new MoiOptions(MoiMode.MOI, beta, k);
    }

    private static double sum(double[] values) {
        return Arrays.stream(values).sum();
    }

    @Test
    void two_token_support_matches_hand_computed_values() {
        // S = {0, 1}; p0 = e / (e + 1); H = binary entropy / ln 2; beta = 1
        Mixture m = MoiMixer.mix(new float[] {2, 1, 0, -1}, 4, 0, moi(1.0, 2));

        double p0 = Math.E / (Math.E + 1);
        double p1 = 1 / (Math.E + 1);
        double h = -(p0 * Math.log(p0) + p1 * Math.log(p1)) / Math.log(2);
        assertThat(m.support()).containsExactly(0, 1);
        assertThat(m.prior()).containsExactly(new double[] {p0, p1}, within(EPS));
        assertThat(m.prior()).containsExactly(new double[] {0.7310585786300049, 0.2689414213699951}, within(1e-12));
        assertThat(m.entropy()).isCloseTo(h, within(EPS)).isCloseTo(0.8399415379831692, within(1e-12));
        assertThat(m.weights()).containsExactly(
                new double[] {(h * p0 + (2 - h)) / 2, h * p1 / 2}, within(EPS));
        assertThat(m.weights()).containsExactly(
                new double[] {0.8870524644535533, 0.11294753554644663}, within(1e-12));
    }

    @Test
    void sampled_token_outside_top_k_is_added_last_and_entropy_uses_log_of_k_plus_one() {
        // top-2 of {3, 2, 1, 0, -1} is {0, 1}; sampled token 3 (logit 0) joins as the third member
        Mixture m = MoiMixer.mix(new float[] {3, 2, 1, 0, -1}, 5, 3, moi(1.0, 2));

        double z = Math.exp(3) + Math.exp(2) + Math.exp(0);
        double[] p = {Math.exp(3) / z, Math.exp(2) / z, 1 / z};
        double h = -(p[0] * Math.log(p[0]) + p[1] * Math.log(p[1]) + p[2] * Math.log(p[2])) / Math.log(3);
        assertThat(m.support()).containsExactly(0, 1, 3);
        assertThat(m.prior()).containsExactly(p, within(EPS));
        assertThat(m.entropy()).isCloseTo(h, within(EPS)).isCloseTo(0.6497886154669468, within(1e-12));
        assertThat(m.weights()).containsExactly(
                new double[] {0.22917541293900853, 0.084308922842237, 0.6865156642187544}, within(1e-12));
        assertThat(sum(m.weights())).isCloseTo(1.0, within(EPS));
    }

    @Test
    void beta_below_one_keeps_less_of_the_sampled_token() {
        Mixture m = MoiMixer.mix(new float[] {3, 2, 1, 0, -1}, 5, 3, moi(0.5, 2));

        assertThat(m.weights()).containsExactly(
                new double[] {0.30556721725201136, 0.11241189712298266, 0.582020885625006}, within(1e-12));
    }

    @Test
    void uniform_logits_give_entropy_one_and_sampled_weight_p_plus_beta_over_beta_plus_one() {
        Mixture m = MoiMixer.mix(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 4, 2, moi(1.0, 4));

        assertThat(m.entropy()).isCloseTo(1.0, within(EPS));
        assertThat(m.prior()).containsOnly(0.25);
        // w_y = (H p_y + beta + 1 - H) / (beta + 1) = (0.25 + 1) / 2 with H = 1; others H p / (beta + 1)
        assertThat(m.support()).containsExactly(0, 1, 2, 3);
        assertThat(m.weights()).containsExactly(new double[] {0.125, 0.125, 0.625, 0.125}, within(EPS));
    }

    @Test
    void uniform_logits_with_beta_two() {
        Mixture m = MoiMixer.mix(new float[] {0, 0, 0, 0, 0}, 5, 0, moi(2.0, 5));

        assertThat(m.entropy()).isCloseTo(1.0, within(EPS));
        assertThat(m.weights()[0]).isCloseTo((0.2 + 2) / 3, within(EPS));
        assertThat(m.weights()[1]).isCloseTo(0.2 / 3, within(EPS));
    }

    @Test
    void single_finite_logit_gives_the_sampled_token_alone() {
        float[] logits = {NEG_INF, 5, Float.NaN, NEG_INF};

        Mixture m = MoiMixer.mix(logits, 4, 1, moi(1.0, 3));

        assertThat(m.support()).containsExactly(1);
        assertThat(m.prior()).containsExactly(1.0);
        assertThat(m.entropy()).isZero();
        assertThat(m.weights()).containsExactly(1.0);
    }

    @Test
    void impossible_sampled_token_still_gets_the_whole_weight_when_entropy_is_zero() {
        Mixture m = MoiMixer.mix(new float[] {NEG_INF, 5, Float.NaN, NEG_INF}, 4, 2, moi(1.0, 3));

        assertThat(m.support()).containsExactly(1, 2);
        assertThat(m.prior()).containsExactly(1.0, 0.0);
        assertThat(m.entropy()).isZero();
        assertThat(m.weights()).containsExactly(new double[] {0.0, 1.0}, within(EPS));
    }

    @Test
    void k_of_one_with_the_top_token_sampled_gives_weight_one() {
        Mixture m = MoiMixer.mix(new float[] {1, 2, 3}, 3, 2, moi(1.0, 1));

        assertThat(m.support()).containsExactly(2);
        assertThat(m.entropy()).isZero();
        assertThat(m.weights()).containsExactly(1.0);
    }

    @Test
    void k_of_one_with_another_token_sampled_mixes_two() {
        Mixture m = MoiMixer.mix(new float[] {1, 2, 3}, 3, 0, moi(1.0, 1));

        double p2 = Math.exp(3) / (Math.exp(3) + Math.exp(1));
        assertThat(m.support()).containsExactly(2, 0);
        assertThat(m.prior()[0]).isCloseTo(p2, within(EPS));
        assertThat(sum(m.weights())).isCloseTo(1.0, within(EPS));
    }

    @Test
    void very_large_beta_is_standard_decoding() {
        Mixture m = MoiMixer.mix(new float[] {0, 0, 0, 0}, 4, 3, moi(1e9, 4));

        assertThat(m.weights()[3]).isCloseTo(1.0, within(1e-8));
        assertThat(sum(m.weights())).isCloseTo(1.0, within(EPS));
    }

    @Test
    void direct_mode_weights_are_the_prior() {
        Mixture m = MoiMixer.mix(new float[] {3, 2, 1, 0, -1}, 5, 3, new MoiOptions(MoiMode.DIRECT, 1.0, 2));

        assertThat(m.support()).containsExactly(0, 1, 3);
        assertThat(m.weights()).containsExactly(m.prior());
        assertThat(m.weights()[2]).isCloseTo(1 / (Math.exp(3) + Math.exp(2) + 1), within(EPS));
    }

    @Test
    void off_mode_is_the_sampled_token_alone() {
        Mixture m = MoiMixer.mix(new float[] {3, 2, 1}, 3, 1, MoiOptions.OFF);

        assertThat(m.support()).containsExactly(1);
        assertThat(m.prior()).containsExactly(1.0);
        assertThat(m.entropy()).isZero();
        assertThat(m.weights()).containsExactly(1.0);
    }

    @Test
    void k_larger_than_vocabulary_is_capped() {
        Mixture m = MoiMixer.mix(new float[] {1, 3, 2}, 3, 0, moi(1.0, 20));

        assertThat(m.support()).containsExactly(1, 2, 0);
        assertThat(sum(m.prior())).isCloseTo(1.0, within(EPS));
    }

    @Test
    void logits_beyond_vocab_size_are_ignored() {
        Mixture m = MoiMixer.mix(new float[] {0, 1, 100}, 2, 0, moi(1.0, 5));

        assertThat(m.support()).containsExactly(1, 0);
    }

    @Test
    void ties_put_the_lower_token_id_first() {
        float[] logits = {1, 3, 3, 1, 3};

        assertThat(MoiMixer.mix(logits, 5, 1, moi(1.0, 2)).support()).containsExactly(1, 2);
        assertThat(MoiMixer.mix(logits, 5, 2, moi(1.0, 3)).support()).containsExactly(1, 2, 4);
        assertThat(MoiMixer.mix(logits, 5, 4, moi(1.0, 2)).support()).containsExactly(1, 2, 4);
        assertThat(MoiMixer.mix(logits, 5, 3, moi(1.0, 4)).support()).containsExactly(1, 2, 4, 0, 3);
    }

    @Test
    void ties_across_a_large_vocabulary_keep_the_lowest_ids() {
        float[] logits = new float[1000];
        Arrays.fill(logits, 7f);

        Mixture m = MoiMixer.mix(logits, 1000, 999, moi(1.0, 20));

        assertThat(m.support()).containsExactly(IntStream.concat(IntStream.range(0, 20), IntStream.of(999)).toArray());
        assertThat(m.entropy()).isCloseTo(1.0, within(EPS));
    }

    @Test
    void positive_infinity_takes_all_the_probability() {
        Mixture m = MoiMixer.mix(new float[] {Float.POSITIVE_INFINITY, 0, 1}, 3, 1, moi(1.0, 3));

        assertThat(m.support()).containsExactly(0, 2, 1);
        assertThat(m.prior()).containsExactly(1.0, 0.0, 0.0);
        assertThat(m.weights()).containsExactly(new double[] {0.0, 0.0, 1.0}, within(EPS));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 20, 64, 300})
    void random_logits_match_a_full_sort_and_both_forms_of_the_formula(int k) {
        for (long seed = 0; seed < 50; seed++) {
            Random random = new Random(seed * 31 + k);
            int vocab = 1 + random.nextInt(500);
            float[] logits = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                // coarse values so that ties occur; a few impossible tokens
                logits[i] = random.nextInt(20) == 0 ? NEG_INF : (float) Math.round(random.nextGaussian() * 40) / 8f;
            }
            logits[random.nextInt(vocab)] = 2f;   // at least one finite logit
            int y = random.nextInt(vocab);
            double beta = random.nextDouble() * 3;

            Mixture m = MoiMixer.mix(logits, vocab, y, moi(beta, k));

            int[] expectedTop = IntStream.range(0, vocab)
                    .filter(i -> logits[i] != NEG_INF)
                    .boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
            boolean added = IntStream.of(expectedTop).noneMatch(i -> i == y);
            int[] expectedSupport = added
                    ? IntStream.concat(IntStream.of(expectedTop), IntStream.of(y)).toArray()
                    : expectedTop;
            assertThat(m.support()).containsExactly(expectedSupport);
            assertThat(sum(m.prior())).isCloseTo(1.0, within(1e-9));
            assertThat(sum(m.weights())).isCloseTo(1.0, within(1e-9));
            assertThat(m.entropy()).isBetween(0.0, 1.0);

            double h = m.entropy();
            for (int i = 0; i < m.support().length; i++) {
                double indicator = m.support()[i] == y ? 1 : 0;
                double reference = h * (m.prior()[i] + beta * indicator) / (1 + beta) + (1 - h) * indicator;
                assertThat(m.weights()[i]).isCloseTo(reference, within(1e-12));
            }

            Mixture direct = MoiMixer.mix(logits, vocab, y, new MoiOptions(MoiMode.DIRECT, beta, k));
            assertThat(direct.weights()).containsExactly(m.prior());
            assertThat(sum(direct.weights())).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    void invalid_input_is_rejected_with_clear_messages() {
        float[] logits = {1, 2, 3};
        MoiOptions options = MoiOptions.DEFAULTS;

        assertThatThrownBy(() -> MoiMixer.mix(logits, 3, -1, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sampledToken").hasMessageContaining("-1");
        assertThatThrownBy(() -> MoiMixer.mix(logits, 3, 3, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 3)");
        assertThatThrownBy(() -> MoiMixer.mix(logits, 4, 0, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabSize 4");
        assertThatThrownBy(() -> MoiMixer.mix(logits, 0, 0, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabSize");
        assertThatThrownBy(() -> MoiMixer.mix(new float[] {Float.NaN, NEG_INF}, 2, 0, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN or -Infinity");
        assertThatThrownBy(() -> MoiMixer.mix(null, 3, 0, options)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MoiMixer.mix(logits, 3, 0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void reference_support_equals_extended_when_the_sampled_token_is_in_the_top_k() {
        float[] logits = {3, 2, 1, 0, -1, 0.5f};
        Mixture extended = MoiMixer.mix(logits, 6, 1, moi(1.0, 3));
        Mixture reference = MoiMixer.mix(logits, 6, 1, moi(1.0, 3).withSupport(MoiSupport.REFERENCE));
        assertThat(reference.support()).containsExactly(extended.support());
        assertThat(reference.weights()).containsExactly(extended.weights(), within(EPS));
        assertThat(reference.entropy()).isCloseTo(extended.entropy(), within(EPS));
    }

    @Test
    void reference_support_keeps_a_sampled_token_outside_the_top_k_out_of_the_prior() {
        // top-2 of {3, 2, 1, 0, -1} is {0, 1}; sampled token 3 enters through (1 - H) e_y alone
        Mixture m = MoiMixer.mix(new float[] {3, 2, 1, 0, -1}, 5, 3, moi(1.0, 2).withSupport(MoiSupport.REFERENCE));

        double p0 = Math.exp(3) / (Math.exp(3) + Math.exp(2));
        double p1 = 1 - p0;
        double h = -(p0 * Math.log(p0) + p1 * Math.log(p1)) / Math.log(2);
        assertThat(m.support()).containsExactly(0, 1, 3);
        assertThat(m.prior()).containsExactly(new double[] {p0, p1, 0}, within(EPS));
        assertThat(m.entropy()).isCloseTo(h, within(EPS));
        assertThat(m.weights()).containsExactly(new double[] {h * p0 / 2, h * p1 / 2, 1 - h}, within(EPS));
        assertThat(sum(m.weights())).isCloseTo(h / 2 + 1 - h, within(EPS));
    }

    @Test
    void the_three_argument_options_keep_the_extended_support() {
        assertThat(moi(1.0, 20).support()).isEqualTo(MoiSupport.EXTENDED);
        assertThat(MoiOptions.DEFAULTS.support()).isEqualTo(MoiSupport.EXTENDED);
        assertThatThrownBy(() -> MoiSupport.parse("paper")).hasMessageContaining("extended, reference");
    }
}
