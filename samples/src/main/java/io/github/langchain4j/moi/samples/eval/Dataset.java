package io.github.langchain4j.moi.samples.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import io.github.langchain4j.moi.samples.cli.SafeFiles;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One's own problems: a JSON Lines file, one object per line,
 * {@code {"id": "...", "prompt": "...", "answer": "...", "check": "exact|number|contains|countdown"}}. For
 * {@code countdown} the answer is {@code {"target": 24, "numbers": [4, 6, 1, 1]}}. Blank lines are skipped; ids must
 * be unique. The prompt is sent as it is: ask for the final answer after {@code Answer:} on the last line.
 */
public final class Dataset {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Dataset() {
    }

    /** Reads the file; a bad line fails with a message naming the file and the line number. */
    public static List<Problem> read(Path file) {
        List<Problem> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String text = SafeFiles.readText(file, "dataset", SafeFiles.MAX_TEXT_BYTES);
        try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                Problem problem;
                try {
                    problem = parse(line);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
                if (!ids.add(problem.id())) {
                    throw new IllegalArgumentException(file + " line " + number + ": duplicate id '" + problem.id()
                            + "'");
                }
                problems.add(problem);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        if (problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": no problems (expected one JSON object per line)");
        }
        return problems;
    }

    /** One line; an {@link IllegalArgumentException} says what is wrong with it. */
    static Problem parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object with id, prompt, answer, check");
        }
        String id = text(node, "id");
        String prompt = text(node, "prompt");
        Check check = Check.parse(text(node, "check"));
        JsonNode answer = node.get("answer");
        if (answer == null || answer.isNull()) {
            throw new IllegalArgumentException("missing field 'answer'");
        }
        if (check == Check.COUNTDOWN) {
            JsonNode target = answer.get("target");
            JsonNode numbers = answer.get("numbers");
            if (!answer.isObject() || target == null || !target.canConvertToLong() || !target.isIntegralNumber()
                    || numbers == null || !numbers.isArray() || numbers.isEmpty()) {
                throw new IllegalArgumentException("a countdown answer must be {\"target\": INT, \"numbers\": [INT, "
                        + "...]}");
            }
            List<Long> values = new ArrayList<>();
            for (JsonNode n : numbers) {
                if (!n.isIntegralNumber() || n.asLong() < 0) {
                    throw new IllegalArgumentException("countdown numbers must be non-negative integers, was " + n);
                }
                values.add(n.asLong());
            }
            return new Problem(id, prompt, check, Long.toString(target.asLong()), values);
        }
        if (!answer.isValueNode()) {
            throw new IllegalArgumentException("field 'answer' must be a string or a number");
        }
        String expected = answer.asText();
        if (check == Check.NUMBER) {
            try {
                new java.math.BigDecimal(expected.trim().replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("answer '" + expected + "' is not a number (check: number)");
            }
        }
        return new Problem(id, prompt, check, expected, List.of());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' must be a non-empty string");
        }
        return value.asText();
    }
}
