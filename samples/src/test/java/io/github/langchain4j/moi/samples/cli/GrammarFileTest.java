package io.github.langchain4j.moi.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A {@code --grammar} file that is empty or invalid is a usage error naming the file, before any model is looked for. */
class GrammarFileTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "''                                 | it is empty",
            "'root ::= (\"yes\" | \"no\"'        | expected ')'",
            "'root ::= answer'                  | undefined rule 'answer'",
            "'root ::= \"\\q\"'                  | unknown escape",
            "'answer ::= \"yes\"'                | no 'root' rule",
            "'root ::= expr\nexpr ::= expr \"1\"' | left recursion",
            "'root ::= [^\\x00-\\U0010FFFF]'     | matches no text",
    })
    void badGrammarFileExitsTwoNamingTheFileAndTheProblem(String grammar, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve("answer.gbnf"), grammar.replace("\\n", "\n"));

        CliRun run = CliRun.run("generate", "--prompt", "hi", "--grammar", file.toString(),
                "--model", dir.resolve("no-such-model.gguf").toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2); // a usage error, found before the model is looked for
        assertThat(run.err()).contains("--grammar", file.toString(), problem).doesNotContain("\tat ");
    }
}
