package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.MoiSupport;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.function.Function;

/**
 * picocli converters for the engine's named values ({@code --mode}, {@code --support}, {@code --scope}): each parses
 * with the value's own {@code parse}, whose message lists the valid names, and turns a bad name into picocli's usage
 * error with that message.
 */
public final class EngineValueConverters {

    private EngineValueConverters() {
    }

    public static final class Mode extends Parsing<MoiMode> {
        public Mode() {
            super(MoiMode::parse);
        }
    }

    public static final class Support extends Parsing<MoiSupport> {
        public Support() {
            super(MoiSupport::parse);
        }
    }

    public static final class Scope extends Parsing<MoiScope> {
        public Scope() {
            super(MoiScope::parse);
        }
    }

    /** A parse function as a converter (picocli creates converters by class, hence one subclass per value). */
    abstract static class Parsing<T> implements ITypeConverter<T> {
        private final Function<String, T> parse;

        Parsing(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public final T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
