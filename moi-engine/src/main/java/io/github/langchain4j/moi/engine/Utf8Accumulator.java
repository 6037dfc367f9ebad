package io.github.langchain4j.moi.engine;

import java.util.Objects;

/**
 * Decodes UTF-8 that arrives in pieces (token by token), where one character may be split across tokens.
 *
 * <p>{@link #append} returns the characters completed so far and holds back an incomplete trailing sequence
 * (at most three bytes). Malformed input never throws: each maximal ill-formed subpart becomes one U+FFFD,
 * as the Unicode standard recommends. This equals {@code new String(bytes, UTF_8)} except for encoded
 * surrogates ({@code ED A0..BF xx}), which the JDK replaces with one U+FFFD and this class with one per byte.
 * Not thread-safe.
 */
final class Utf8Accumulator {

    private static final char REPLACEMENT = '\uFFFD';

    private final byte[] pending = new byte[3];
    private int pendingLength;
    private final StringBuilder out = new StringBuilder();

    /** Adds bytes and returns the text of every code point that is now complete. */
    public String append(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        out.setLength(0);
        int total = pendingLength + bytes.length;
        int i = 0;
        while (i < total) {
            int lead = byteAt(bytes, i) & 0xFF;
            if (lead < 0x80) {
                out.append((char) lead);
                i++;
                continue;
            }
            int length = sequenceLength(lead);
            if (length == 0) {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int codePoint = lead & (0xFF >>> (length + 1));
            int j = 1;
            while (j < length && i + j < total) {
                int b = byteAt(bytes, i + j) & 0xFF;
                if (!validContinuation(lead, j, b)) {
                    break;
                }
                codePoint = (codePoint << 6) | (b & 0x3F);
                j++;
            }
            if (j == length) {
                out.appendCodePoint(codePoint);
            } else if (i + j == total) {
                break;   // a valid prefix cut off by the end of the input: wait for more bytes
            } else {
                out.append(REPLACEMENT);   // the valid prefix so far is one ill-formed subpart
            }
            i += j;
        }
        keepPending(bytes, i, total);
        return out.toString();
    }

    /** Returns what is left at the end of the stream: an incomplete sequence becomes one U+FFFD. */
    public String flush() {
        String rest = pendingLength > 0 ? String.valueOf(REPLACEMENT) : "";
        pendingLength = 0;
        return rest;
    }

    private byte byteAt(byte[] bytes, int i) {
        return i < pendingLength ? pending[i] : bytes[i - pendingLength];
    }

    private void keepPending(byte[] bytes, int from, int total) {
        // copy forward: each index read is >= the index written, so pending[] can be its own source
        int kept = 0;
        for (int i = from; i < total; i++) {
            pending[kept++] = byteAt(bytes, i);
        }
        pendingLength = kept;
    }

    /** Bytes in the sequence that this lead byte starts, or 0 if it cannot start one. */
    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /** Table 3-7 of the Unicode standard: the second byte's range rules out overlongs, surrogates and > U+10FFFF. */
    private static boolean validContinuation(int lead, int position, int b) {
        if (position == 1) {
            switch (lead) {
                case 0xE0: return b >= 0xA0 && b <= 0xBF;
                case 0xED: return b >= 0x80 && b <= 0x9F;
                case 0xF0: return b >= 0x90 && b <= 0xBF;
                case 0xF4: return b >= 0x80 && b <= 0x8F;
                default: break;
            }
        }
        return b >= 0x80 && b <= 0xBF;
    }
}
