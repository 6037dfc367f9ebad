package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.MoiSupport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * One decoding arm of the comparison: standard decoding ({@code off}), MoI at one beta ({@code moi:1}), or the
 * direct mixture ({@code direct}); with the reference implementation's support ({@link MoiSupport#REFERENCE}) the
 * label has {@code -ref}: {@code moi-ref:1}, {@code direct-ref}.
 */
public record EvalMode(MoiMode mode, double beta, MoiSupport support) {

    private static final String REF = "-ref";

    /** The paper's beta grid. */
    public static final List<Double> PAPER_BETAS = List.of(0.25, 0.5, 1.0, 2.0, 4.0, 8.0);

    public static final EvalMode OFF = new EvalMode(MoiMode.OFF, MoiOptions.DEFAULT_BETA);

    public EvalMode {
        if (mode != MoiMode.MOI) {
            beta = MoiOptions.DEFAULT_BETA; // unused by the engine: one arm per mode
        }
        if (mode == MoiMode.OFF) {
            support = MoiSupport.EXTENDED;  // no mixture: one arm
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0, was " + beta);
        }
    }

    /** With the library's default support. */
    public EvalMode(MoiMode mode, double beta) {
        this(mode, beta, MoiSupport.EXTENDED);
    }

    /** {@code off}, {@code direct}, {@code moi:B}, {@code direct-ref} or {@code moi-ref:B}. */
    public String label() {
        String name = mode.name().toLowerCase(Locale.ROOT) + (support == MoiSupport.REFERENCE ? REF : "");
        return mode == MoiMode.MOI ? name + ":" + formatBeta(beta) : name;
    }

    public MoiOptions toOptions(int mixTopK) {
        return new MoiOptions(mode, beta, mixTopK, support);
    }

    static String formatBeta(double beta) {
        return beta == Math.rint(beta) ? Long.toString((long) beta) : Double.toString(beta);
    }

    /**
     * Parses a comma-separated list: {@code off}, {@code direct}, {@code moi:B}, or {@code moi} alone for every beta
     * of {@code betas}. Duplicates are dropped; the order is kept.
     */
    public static List<EvalMode> parseList(String list, List<Double> betas) {
        LinkedHashSet<EvalMode> modes = new LinkedHashSet<>();
        for (String item : list.split(",")) {
            String name = item.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            String[] parts = name.split(":", 2);
            MoiSupport support = MoiSupport.EXTENDED;
            if (parts[0].endsWith(REF) && !parts[0].equals("off" + REF)) {
                support = MoiSupport.REFERENCE;
                parts[0] = parts[0].substring(0, parts[0].length() - REF.length());
            }
            MoiMode mode = MoiMode.parse(parts[0]);
            if (parts.length == 2) {
                if (mode != MoiMode.MOI) {
                    throw new IllegalArgumentException("only moi takes a beta: '" + item.trim() + "'");
                }
                double beta;
                try {
                    beta = Double.parseDouble(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad beta in '" + item.trim() + "'");
                }
                modes.add(new EvalMode(mode, beta, support));
            } else if (mode == MoiMode.MOI) {
                for (double beta : betas) {
                    modes.add(new EvalMode(mode, beta, support));
                }
            } else {
                modes.add(new EvalMode(mode, MoiOptions.DEFAULT_BETA, support));
            }
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("no modes in '" + list + "'");
        }
        return new ArrayList<>(modes);
    }
}
