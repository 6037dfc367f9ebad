package io.github.langchain4j.moi.engine;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's string methods for chat templates ({@code message.content.split('</think>')[-1].lstrip('\n')}).
 * Jinjava would otherwise call the Java method of the same name, which is missing ({@code lstrip}), differs in
 * case ({@code startswith}) or silently means something else ({@code split} takes a regex, the static
 * {@code format} takes the string as its argument). Every method call on a string ends here: a Python method
 * this class does not know fails with an error that names it, rather than falling through to Java's.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String text) || method == null) {
            return null;
        }
        Object result = call(text, method.toString(), params == null ? new Object[0] : params);
        context.setPropertyResolved(true);
        return result;
    }

    /** {@code text.name(args)} as Python evaluates it. */
    static Object call(String text, String name, Object... args) {
        return switch (name) {
            case "startswith" -> anyAffix(text, arg(args, 0, name), true);
            case "endswith" -> anyAffix(text, arg(args, 0, name), false);
            case "strip" -> strip(text, chars(args), true, true);
            case "lstrip" -> strip(text, chars(args), true, false);
            case "rstrip" -> strip(text, chars(args), false, true);
            case "split" -> split(text, optional(args, 0), maxSplit(args));
            case "rsplit" -> rsplit(text, optional(args, 0), maxSplit(args));
            case "upper" -> text.toUpperCase(Locale.ROOT);
            case "lower" -> text.toLowerCase(Locale.ROOT);
            case "title" -> title(text);
            case "capitalize" -> text.isEmpty() ? text
                    : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> replace(text, string(arg(args, 0, name)), string(arg(args, 1, name)),
                    args.length > 2 ? number(args[2]) : -1);
            case "find" -> (long) text.indexOf(string(arg(args, 0, name)));
            case "rfind" -> (long) text.lastIndexOf(string(arg(args, 0, name)));
            case "count" -> count(text, string(arg(args, 0, name)));
            case "join" -> join(text, arg(args, 0, name));
            case "format" -> format(text, args);
            case "isdigit" -> !text.isEmpty() && text.chars().allMatch(Character::isDigit);
            case "isspace" -> !text.isEmpty() && text.chars().allMatch(PythonStringMethods::isSpace);
            default -> throw new UnsupportedOperationException("the Python string method '" + name
                    + "' is not supported");
        };
    }

    private static Object arg(Object[] args, int index, String method) {
        if (args.length <= index || args[index] == null) {
            throw new IllegalArgumentException("the Python string method '" + method + "' needs argument "
                    + (index + 1));
        }
        return args[index];
    }

    private static Object optional(Object[] args, int index) {
        return args.length > index ? args[index] : null;
    }

    private static String string(Object value) {
        return value.toString();
    }

    private static int number(Object value) {
        return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString());
    }

    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : args[0].toString();
    }

    private static int maxSplit(Object[] args) {
        return args.length > 1 && args[1] != null ? number(args[1]) : -1;
    }

    /** Python's str.isspace for one character: whitespace and the separators \x1c-\x1f. */
    private static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** startswith/endswith take one affix or a tuple of them. */
    private static boolean anyAffix(String text, Object affixes, boolean start) {
        Iterable<?> all = affixes instanceof Iterable<?> many ? many : List.of(affixes);
        for (Object affix : all) {
            if (start ? text.startsWith(string(affix)) : text.endsWith(string(affix))) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String text, String chars, boolean left, boolean right) {
        int from = 0;
        int to = text.length();
        while (left && from < to && stripped(text.charAt(from), chars)) {
            from++;
        }
        while (right && to > from && stripped(text.charAt(to - 1), chars)) {
            to--;
        }
        return text.substring(from, to);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** str.split: on a literal separator, or (none given) on runs of whitespace without empty parts. */
    private static List<String> split(String text, Object separator, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            int i = 0;
            while (true) {
                while (i < text.length() && isSpace(text.charAt(i))) {
                    i++;
                }
                if (i == text.length()) {
                    return parts;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(text.substring(i)); // Python keeps the rest as it is
                    return parts;
                }
                int end = i;
                while (end < text.length() && !isSpace(text.charAt(end))) {
                    end++;
                }
                parts.add(text.substring(i, end));
                i = end;
            }
        }
        String sep = nonEmpty(separator);
        int from = 0;
        for (int at = text.indexOf(sep); at >= 0 && (maxSplit < 0 || parts.size() < maxSplit);
             at = text.indexOf(sep, from)) {
            parts.add(text.substring(from, at));
            from = at + sep.length();
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static List<String> rsplit(String text, Object separator, int maxSplit) {
        if (separator == null || maxSplit < 0) {
            return split(text, separator, maxSplit);
        }
        String sep = nonEmpty(separator);
        List<String> parts = new ArrayList<>();
        int to = text.length();
        for (int at = text.lastIndexOf(sep, to - sep.length()); at >= 0 && parts.size() < maxSplit;
             at = text.lastIndexOf(sep, to - sep.length())) {
            parts.add(0, text.substring(at + sep.length(), to));
            to = at;
        }
        parts.add(0, text.substring(0, to));
        return parts;
    }

    private static String nonEmpty(Object separator) {
        String sep = string(separator);
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator"); // Python's ValueError
        }
        return sep;
    }

    private static String title(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean previousCased = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    private static String replace(String text, String old, String replacement, int count) {
        if (count < 0) {
            return text.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int n = 0; n < count; n++) {
            int at = text.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out.append(text, from, at).append(replacement);
            from = at + old.length();
            if (old.isEmpty()) { // Python inserts before every character
                if (from < text.length()) {
                    out.append(text.charAt(from));
                }
                from++;
                if (from > text.length()) {
                    return out.toString();
                }
            }
        }
        return out.append(text.substring(Math.min(from, text.length()))).toString();
    }

    private static long count(String text, String part) {
        if (part.isEmpty()) {
            return text.length() + 1L;
        }
        long n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    private static String join(String separator, Object items) {
        if (!(items instanceof Iterable<?> iterable)) {
            throw new IllegalArgumentException("str.join needs a list, not " + items);
        }
        List<String> texts = new ArrayList<>();
        iterable.forEach(item -> texts.add(string(item)));
        return String.join(separator, texts);
    }

    /** str.format with positional fields: {} and {0}; other field syntax is refused. */
    private static String format(String text, Object[] args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
                out.append(c);
                i++;
            } else if (c == '{') {
                int close = text.indexOf('}', i);
                String field = close < 0 ? null : text.substring(i + 1, close);
                if (field == null || !field.matches("\\d*")) {
                    throw new UnsupportedOperationException("str.format: only {} and {0}-style fields are supported");
                }
                int index = field.isEmpty() ? next++ : Integer.parseInt(field);
                if (index >= args.length) {
                    throw new IllegalArgumentException("str.format: no argument " + index);
                }
                out.append(args[index]);
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // properties are not this resolver's business
    }
}
