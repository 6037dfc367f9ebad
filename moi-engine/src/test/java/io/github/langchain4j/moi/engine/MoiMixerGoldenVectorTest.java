package io.github.langchain4j.moi.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link MoiSupport#REFERENCE} and the direct mixture against vectors computed independently, with numpy, from the
 * reference implementation's formula ({@code scripts/moi-golden-vectors.py}), including a sampled token outside the
 * top k. The mixed input {@code h = sum_i w_i e_i} is rebuilt from the mixture's weights and a fixed embedding table.
 */
class MoiMixerGoldenVectorTest {

    private static final double TOLERANCE = 1e-6;

    static List<JsonNode> cases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        golden().get("cases").forEach(cases::add);
        return cases;
    }

    private static JsonNode golden() throws IOException {
        try (InputStream in = MoiMixerGoldenVectorTest.class.getResourceAsStream("/moi-golden-vectors.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void reference_support_reproduces_the_reference_formula(JsonNode c) throws IOException {
        JsonNode embeddings = golden().get("embeddings");
        int vocab = embeddings.size();
        int dim = embeddings.get(0).size();
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) c.get("logits").get(i).asDouble();
        }
        MoiOptions options = new MoiOptions(MoiMode.valueOf(c.get("mode").asText()), c.get("beta").asDouble(),
                c.get("k").asInt(), MoiSupport.REFERENCE);

        Mixture m = MoiMixer.mix(logits, vocab, c.get("sampled").asInt(), options);

        double[] dense = new double[vocab];
        double[] h = new double[dim];
        for (int i = 0; i < m.support().length; i++) {
            int token = m.support()[i];
            dense[token] += m.weights()[i];
            for (int d = 0; d < dim; d++) {
                h[d] += m.weights()[i] * embeddings.get(token).get(d).asDouble();
            }
        }
        assertThat(m.support()).contains(c.get("sampled").asInt());
        assertThat(m.entropy()).isCloseTo(c.get("entropy").asDouble(), within(TOLERANCE));
        for (int i = 0; i < vocab; i++) {
            assertThat(dense[i]).as("weight of token %d", i).isCloseTo(c.get("weights").get(i).asDouble(),
                    within(TOLERANCE));
        }
        for (int d = 0; d < dim; d++) {
            assertThat(h[d]).as("h[%d]", d).isCloseTo(c.get("h").get(d).asDouble(), within(TOLERANCE));
        }
    }
}
