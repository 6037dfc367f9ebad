package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.SamplingOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import io.github.langchain4j.moi.engine.MoiScope;
import java.util.List;
import java.util.Locale;

/**
 * What a run was: the task, the model and the sampler, for the report; and the fingerprint that a results file is
 * resumed under (problem count, seeds and modes may grow between runs; everything else must stay the same).
 *
 * @param command       the command line as typed
 * @param task          a built-in task label, or {@code dataset:FILE}
 * @param problemSeed   seed of the generated problems (unused for a dataset)
 * @param model         the model file name
 * @param sampling      the sampler (its seed is replaced by each run's seed)
 * @param maxTokens     most tokens per answer
 * @param mixTopK       MoI support size
 * @param seeds         the sampler seeds
 * @param modes         the modes compared
 */
public record EvalSettings(String command, String task, long problemSeed, String model, SamplingOptions sampling,
                           int maxTokens, int mixTopK, List<Long> seeds, List<EvalMode> modes, MoiScope scope,
                           boolean think, Integer thinkingBudget) {

    /** With MoI on every token and no think-then-answer. */
    public EvalSettings(String command, String task, long problemSeed, String model, SamplingOptions sampling,
                        int maxTokens, int mixTopK, List<Long> seeds, List<EvalMode> modes) {
        this(command, task, problemSeed, model, sampling, maxTokens, mixTopK, seeds, modes, MoiScope.ALL, false, null);
    }

    /** The fingerprint that every record of one results file carries. */
    public String fingerprint() {
        String text = String.format(Locale.ROOT, "task=%s;problemSeed=%d;model=%s;temperature=%s;topK=%d;topP=%s;"
                        + "minP=%s;repeatPenalty=%s;repeatLastN=%d;maxTokens=%d;mixTopK=%d", task, problemSeed, model,
                sampling.temperature(), sampling.topK(), sampling.topP(), sampling.minP(), sampling.repeatPenalty(),
                sampling.repeatLastN(), maxTokens, mixTopK)
                // only when set, so that results files of earlier runs keep their fingerprint
                + (sampling.temperatureFirst() ? ";temperatureFirst" : "")
                + (scope != MoiScope.ALL ? ";scope=" + scope : "")
                + (think ? ";think" : "")
                + (thinkingBudget != null ? ";thinkingBudget=" + thinkingBudget : "");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
