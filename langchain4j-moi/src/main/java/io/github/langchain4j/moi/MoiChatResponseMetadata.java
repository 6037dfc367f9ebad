package io.github.langchain4j.moi;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.github.langchain4j.moi.engine.MoiStep;
import java.util.List;
import java.util.Objects;

/**
 * Response metadata of {@link MoiChatLanguageModel}: the common fields plus, when the request asked for it
 * ({@link MoiChatRequestParameters#trace()}), what MoI did at every generated token.
 */
public class MoiChatResponseMetadata extends ChatResponseMetadata {

    private final List<MoiStep> trace;

    protected MoiChatResponseMetadata(Builder builder) {
        super(builder);
        this.trace = builder.trace == null ? List.of() : List.copyOf(builder.trace);
    }

    /**
     * One step per generated token (sampled token, mode, beta, the mixture's support, prior, entropy and
     * weights); empty unless the request enabled the trace.
     */
    public List<MoiStep> trace() {
        return trace;
    }

    @Override
    public Builder toBuilder() {
        return ((Builder) toBuilder(builder())).trace(trace);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass() || !super.equals(o)) {
            return false;
        }
        return trace.equals(((MoiChatResponseMetadata) o).trace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), trace);
    }

    @Override
    public String toString() {
        return "MoiChatResponseMetadata{"
                + "id='" + id() + '\''
                + ", modelName='" + modelName() + '\''
                + ", tokenUsage=" + tokenUsage()
                + ", finishReason=" + finishReason()
                + ", trace=" + trace.size() + " steps"
                + '}';
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends ChatResponseMetadata.Builder<Builder> {

        private List<MoiStep> trace;

        public Builder trace(List<MoiStep> trace) {
            this.trace = trace;
            return this;
        }

        @Override
        public MoiChatResponseMetadata build() {
            return new MoiChatResponseMetadata(this);
        }
    }
}
