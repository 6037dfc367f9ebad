package io.github.langchain4j.moi.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.langchain4j.moi.model.FetchProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FetchProgressPrinterTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void withoutATerminalEachReportIsAPlainLineSayingWhatWhereAndHowFar() {
        FetchProgressPrinter printer = new FetchProgressPrinter(stderr, false);
        printer.update(new FetchProgress.Status("Qwen", 164_000_000, 491_400_064, Path.of("/cache/moi"), false));
        printer.update(new FetchProgress.Status("Qwen", 491_400_064, 491_400_064, Path.of("/cache/moi"), true));

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "moi: Fetching Qwen: 33 % (164 of 491 MB) into /cache/moi",
                "moi: Fetching Qwen: 100 % (491 of 491 MB) into /cache/moi, done");
    }

    @Test
    void onATerminalABarIsRedrawnInPlaceAndTheFolderSaidAtTheEnd() {
        FetchProgressPrinter printer = new FetchProgressPrinter(stderr, true);
        printer.update(new FetchProgress.Status("Qwen", 245_700_032, 491_400_064, Path.of("/cache/moi"), false));
        printer.update(new FetchProgress.Status("Qwen", 491_400_064, 491_400_064, Path.of("/cache/moi"), true));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\rmoi: fetching Qwen [===============               ] 50 % of 491 MB\r")
                .contains("[==============================] 100 % of 491 MB\nmoi: cached in /cache/moi");
    }
}
