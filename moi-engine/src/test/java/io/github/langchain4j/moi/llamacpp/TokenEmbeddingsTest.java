package io.github.langchain4j.moi.llamacpp;

import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows read through the cache, with hits and evictions, equal rows read cold; reads after close fail clearly. */
class TokenEmbeddingsTest {

    @ParameterizedTest
    @ValueSource(ints = {GgufWriter.GGML_F32, GgufWriter.GGML_F16, GgufWriter.GGML_Q8_0})
    void cachedRowsEqualColdRowsWhateverTheOrderAndTheCacheSize(int type, @TempDir Path dir) {
        GgufFile file = GgufFile.read(TinyModel.writer(5, type).write(dir.resolve("tiny.gguf")));
        int nVocab = TinyModel.tokens().length;
        int nEmbd = TinyModel.N_EMBD;
        float[][] cold = new float[nVocab][];
        for (int t = 0; t < nVocab; t++) {
            try (TokenEmbeddings fresh = new TokenEmbeddings(LlamaBinding.bundled(), file, nVocab, nEmbd, 1)) {
                cold[t] = fresh.row(t);
            }
        }
        assertThat(cold[10]).isNotEqualTo(cold[11]); // distinct rows: a mix-up would show
        for (int slots : new int[]{1, 3, 64, nVocab}) {
            try (TokenEmbeddings cached = new TokenEmbeddings(LlamaBinding.bundled(), file, nVocab, nEmbd, slots)) {
                Random random = new Random(slots);
                for (int i = 0; i < 4 * nVocab; i++) {
                    int t = random.nextInt(nVocab);
                    assertThat(cached.row(t)).as("token %d with %d slots", t, slots).containsExactly(cold[t]);
                }
                float[] acc = new float[nEmbd];
                int other = (7 + slots) % nVocab; // the same slot as token 7: an eviction, unless it is 7 itself
                cached.addScaledRow(7, 0.5, acc);
                cached.addScaledRow(other, 0.25, acc);
                for (int i = 0; i < nEmbd; i++) {
                    assertThat(acc[i]).isCloseTo(0.5f * cold[7][i] + 0.25f * cold[other][i], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
        }
    }

    @Test
    void readsAfterCloseAndOutOfRangeTokensFailWithClearErrors(@TempDir Path dir) {
        GgufFile file = GgufFile.read(TinyModel.writer(5, GgufWriter.GGML_F32).write(dir.resolve("tiny.gguf")));
        int nVocab = TinyModel.tokens().length;
        TokenEmbeddings embeddings = new TokenEmbeddings(LlamaBinding.bundled(), file, nVocab, TinyModel.N_EMBD, 4);
        assertThatThrownBy(() -> embeddings.row(nVocab)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the vocabulary");
        embeddings.row(1);
        embeddings.close();
        assertThat(embeddings.row(1)).hasSize(TinyModel.N_EMBD); // cached before close
        assertThatThrownBy(() -> embeddings.row(2)).isInstanceOf(BadModelFileException.class)
                .hasMessageContaining("cannot read row 2");
    }
}
