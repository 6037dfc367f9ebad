package io.github.langchain4j.moi.samples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The sample over HTTP on a real port, with the default model (fetched into the model cache when absent) and
 * short answers to stay fast on a small CPU.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "langchain4j.moi.chat-model.max-output-tokens=16",
        "langchain4j.moi.chat-model.context-size=1024",
        "langchain4j.moi.chat-model.temperature=0"})
class MoiWebApplicationIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void answersAPostedQuestionThroughTheAiService() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/chat"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"What is the capital of France?\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).path("answer").asText()).isNotBlank();
    }

    @Test
    void streamsOneAnswerAsSeveralServerSentEvents() throws Exception {
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(
                        uri("/chat/stream?message=" + URLEncoder.encode("Count from 1 to 10.", StandardCharsets.UTF_8)))
                .timeout(TIMEOUT)
                .header("Accept", "text/event-stream")
                .GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).trim();
                    events.add(event);
                } else if (line.startsWith("data:") && "token".equals(event)) {
                    JsonNode data = json.readTree(line.substring("data:".length()));
                    text.append(data.path("text").asText());
                }
            }
        }

        assertThat(events).last().isEqualTo("done");
        assertThat(events.stream().filter("token"::equals).count()).isGreaterThanOrEqualTo(3);
        assertThat(text.toString()).isNotBlank();
    }

    @Test
    void answersFromTheDocumentsWithTheirSources() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/rag"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"message\":\"In Mixture of Inputs, what does the parameter beta control?\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.path("answer").asText()).isNotBlank();
        assertThat(body.path("sources").toString()).contains("beta");
    }

    @Test
    void reportsTheModelInHealthAndItsWorkInMetrics() throws Exception {
        answersAPostedQuestionThroughTheAiService();

        JsonNode health = json.readTree(get("/actuator/health"));
        assertThat(health.at("/components/moi/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/moi/details/contextSize").asInt()).isEqualTo(1024);
        assertThat(health.at("/components/moi/details").has("busySequences")).isTrue();

        JsonNode tokens = json.readTree(get("/actuator/metrics/moi.generated.tokens"));
        assertThat(tokens.at("/measurements/0/value").asDouble()).isPositive();
        JsonNode throughput = json.readTree(get("/actuator/metrics/moi.generation.throughput"));
        assertThat(throughput.at("/measurements/0/value").asDouble()).isPositive();
        JsonNode entropy = json.readTree(get("/actuator/metrics/moi.entropy"));
        assertThat(entropy.at("/measurements/0/value").asDouble()).isPositive();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
