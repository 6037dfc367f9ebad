package io.github.langchain4j.moi.engine;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(value, ensure_ascii=False, indent=indent)} writes it: what
 * the {@code tojson} filter of Hugging Face chat templates produces, so tool schemas and call arguments render
 * as the model saw them in training.
 */
final class PythonJson {

    private PythonJson() {
    }

    /** @param indent null for one line ({@code ", "} and {@code ": "} between items) */
    static String dumps(Object value, Integer indent) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, Integer indent, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof java.math.BigInteger || value instanceof Short) {
            out.append(value);
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            out.append(d == Math.rint(d) && Math.abs(d) < 1e16 ? String.format("%.1f", d) : Double.toString(d));
        } else if (value instanceof Map<?, ?> map) {
            writeItems(out, '{', '}', map.entrySet().iterator(), indent, depth, (o, entry) -> {
                quote(o, String.valueOf(entry.getKey()));
                o.append(": ");
                write(o, entry.getValue(), indent, depth + 1);
            });
        } else if (value instanceof Iterable<?> list) {
            writeItems(out, '[', ']', list.iterator(), indent, depth, (o, item) -> write(o, item, indent, depth + 1));
        } else if (value instanceof Object[] array) {
            writeItems(out, '[', ']', java.util.Arrays.asList(array).iterator(), indent, depth,
                    (o, item) -> write(o, item, indent, depth + 1));
        } else {
            quote(out, value.toString());
        }
    }

    private interface ItemWriter<T> {
        void write(StringBuilder out, T item);
    }

    private static <T> void writeItems(StringBuilder out, char open, char close, Iterator<T> items, Integer indent,
                                       int depth, ItemWriter<T> writer) {
        out.append(open);
        if (!items.hasNext()) {
            out.append(close);
            return;
        }
        boolean first = true;
        while (items.hasNext()) {
            if (!first) {
                out.append(indent == null ? ", " : ",");
            }
            first = false;
            if (indent != null) {
                out.append('\n').append(" ".repeat(indent * (depth + 1)));
            }
            writer.write(out, items.next());
        }
        if (indent != null) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
        out.append(close);
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
