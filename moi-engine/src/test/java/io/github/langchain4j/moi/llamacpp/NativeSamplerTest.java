package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Grammar-constrained sampling that checks the chain's token first and filters the vocabulary only on a
 * rejection picks, under greedy decoding, exactly the tokens that llama.cpp's grammar-first chain picks:
 * with a strict grammar (the random model's choices are refused and resampled) and a loose one (they pass).
 */
class NativeSamplerTest {

    private static final int STEPS = 24;

    @ParameterizedTest(name = "cut {0}")
    @ValueSource(ints = {1, 4, NativeSampler.GRAMMAR_CUT, 1_000_000})
    void strictGrammarRefusesTheModelsChoicesAndStillMatchesTheGrammarFirstChain(int cut) {
        Outcome outcome = generate("root ::= (\" the\" | \" lazy\" | \" dog\" | \" and\" | \" cat\")+ \".\"", cut);
        assertThat(outcome.ours).isEqualTo(outcome.reference).hasSizeGreaterThan(3);
        assertThat(outcome.text).matches("( the| lazy| dog| and| cat)+\\.?");
        assertThat(outcome.rejections).isPositive();
        if (cut == 1) { // the cut holds only the refused token: every rejection filters the whole vocabulary
            assertThat(outcome.wholeVocabularyFilters).isEqualTo(outcome.rejections);
        }
        if (cut >= 1_000_000) { // the cut is the whole vocabulary, sorted: the whole-vocabulary filter never runs
            assertThat(outcome.wholeVocabularyFilters).isZero();
        }
    }

    @Test
    void looseGrammarLetsTheModelsChoicesThroughAndMatchesTheGrammarFirstChain() {
        Outcome outcome = generate("root ::= [ -~]+", NativeSampler.GRAMMAR_CUT);
        assertThat(outcome.ours).isEqualTo(outcome.reference).hasSizeGreaterThan(3);
        assertThat(outcome.text).matches("[ -~]+");
        assertThat(outcome.rejections).isLessThan(outcome.ours.size());
    }

    @Test
    void greedyWithoutPenaltiesPicksLlamaCppsGreedyTokensWithoutHandingTheVocabularyToTheChain() {
        Outcome outcome = generate(null, NativeSampler.GRAMMAR_CUT);
        assertThat(outcome.ours).isEqualTo(outcome.reference).hasSizeGreaterThan(3);
        assertThat(outcome.chainPasses).as("the largest logit, found in Java").isZero();
        // sampling with a temperature still goes through llama.cpp's chain
        try (NativeModel model = NativeModel.load(LoadParams.of(TinyModel.shared()).withContextSize(256).withThreads(1)
                .withSequences(1))) {
            int[] prompt = model.tokenize("once upon a time there was", true, false);
            model.decodeTokens(prompt, 0, prompt.length, 0);
            try (NativeSampler sampler = model.newSampler(new SamplerParams(0.8, 40, 0.95, 0, 1, 0, 7, 0, 0, false), null)) {
                sampler.sample();
                assertThat(sampler.chainPasses()).isEqualTo(1);
            }
        }
    }

    @Test
    void aGrammarThatAllowsNoTokenEndsWithAClearErrorInsteadOfAnUnconstrainedToken() {
        // no token can be a NUL character (the engine's validator refuses this grammar; the sampler checks too)
        try (NativeModel model = NativeModel.load(LoadParams.of(TinyModel.shared()).withContextSize(256)
                .withThreads(1).withSequences(1))) {
            int[] prompt = model.tokenize("once upon a time", true, false);
            model.decodeTokens(prompt, 0, prompt.length, 0);
            try (NativeSampler sampler = model.newSampler(SamplerParams.GREEDY, "root ::= \"a\" \"\\x00\"")) {
                assertThat(model.tokenBytes(sampler.sample())).isEqualTo(new byte[]{'a'});
                assertThatThrownBy(sampler::sample)
                        .isInstanceOf(LlamaCppException.class)
                        .hasMessageContaining("the grammar allows no token after 1 generated tokens");
            }
        }
    }

    @Test
    void temperatureFirstFlattensTheDistributionBeforeTopPCutsIt() {
        // top-p 0.3 at temperature 4: on the raw distribution (temperature last) the nucleus is a few tokens; on the
        // flattened one (temperature first, vLLM's order) it is many more
        try (NativeModel model = NativeModel.load(LoadParams.of(TinyModel.shared()).withContextSize(256)
                .withThreads(1).withSequences(1))) {
            int[] prompt = model.tokenize("once upon a time there was", true, false);
            model.decodeTokens(prompt, 0, prompt.length, 0);
            java.util.Set<Integer> last = new java.util.HashSet<>();
            java.util.Set<Integer> first = new java.util.HashSet<>();
            for (int seed = 1; seed <= 300; seed++) {
                last.add(sampleOnce(model, new SamplerParams(4.0, 0, 0.3, 0, 1, 0, seed, 0, 0, false)));
                first.add(sampleOnce(model, new SamplerParams(4.0, 0, 0.3, 0, 1, 0, seed, 0, 0, true)));
            }
            assertThat(first.size()).isGreaterThan(2 * last.size());
        }
    }

    private static int sampleOnce(NativeModel model, SamplerParams params) {
        try (NativeSampler sampler = model.newSampler(params, null)) {
            return sampler.sample();
        }
    }

    private record Outcome(List<Integer> ours, List<Integer> reference, String text, int rejections,
                           int wholeVocabularyFilters, int chainPasses) {
    }

    /**
     * Greedy tokens of our sampler and of a grammar-first llama.cpp chain (greedy alone when {@code grammar} is
     * null), step by step on one context.
     */
    private static Outcome generate(String grammar, int cut) {
        LlamaCpp lib = NativeLibrary.get();
        try (NativeModel model = NativeModel.load(LoadParams.of(TinyModel.shared()).withContextSize(256).withThreads(1)
                .withSequences(1))) {
            int[] prompt = model.tokenize("once upon a time there was", true, false);
            model.decodeTokens(prompt, 0, prompt.length, 0);
            Pointer reference = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params());
            if (grammar != null) {
                lib.llama_sampler_chain_add(reference, lib.llama_sampler_init_grammar(model.vocabPointer(), grammar, "root"));
            }
            lib.llama_sampler_chain_add(reference, lib.llama_sampler_init_greedy());
            List<Integer> ours = new ArrayList<>();
            List<Integer> theirs = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            try (NativeSampler sampler = model.newSampler(SamplerParams.GREEDY, grammar)) {
                sampler.grammarCut = cut;
                int pos = prompt.length;
                for (int step = 0; step < STEPS; step++) {
                    int token = sampler.sample();
                    ours.add(token);
                    theirs.add(lib.llama_sampler_sample(reference, model.contextPointer(), -1));
                    if (model.isEndOfGeneration(token) || token != theirs.get(step)) {
                        break;
                    }
                    text.append(new String(model.tokenBytes(token), StandardCharsets.UTF_8));
                    model.decodeTokens(new int[]{token}, 0, 1, pos++);
                }
                return new Outcome(ours, theirs, text.toString(), sampler.rejections(), sampler.wholeVocabularyFilters(),
                        sampler.chainPasses());
            } finally {
                lib.llama_sampler_free(reference);
            }
        }
    }
}
