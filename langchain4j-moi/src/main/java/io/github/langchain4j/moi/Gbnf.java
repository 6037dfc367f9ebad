package io.github.langchain4j.moi;

/**
 * Writing GBNF (llama.cpp's grammar format): literals, class characters and rule names. What
 * this package writes is checked by {@link io.github.langchain4j.moi.engine.GbnfValidator}.
 */
final class Gbnf {

    private Gbnf() {
    }

    /** A GBNF string literal matching {@code text} exactly. */
    static String literal(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp < 0x20 || cp == 0x7F) {
                        sb.append(String.format("\\x%02X", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }

    /** One character escaped for use inside a GBNF character class. */
    static String classChar(char c) {
        return switch (c) {
            case '\\', ']', '[', '-', '^' -> "\\" + c;
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 ? String.format("\\x%02X", (int) c) : String.valueOf(c);
        };
    }

    /** A valid rule name made from {@code hint}: llama.cpp allows only letters, digits and '-'. */
    static String ruleName(String hint) {
        StringBuilder sb = new StringBuilder();
        for (char c : hint.toCharArray()) {
            boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            sb.append(word ? c : '-');
        }
        return sb.length() == 0 ? "r" : sb.toString();
    }
}
