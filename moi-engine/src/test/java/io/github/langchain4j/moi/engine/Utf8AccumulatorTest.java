package io.github.langchain4j.moi.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8AccumulatorTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void ascii_passes_straight_through() {
        Utf8Accumulator acc = new Utf8Accumulator();

        assertThat(acc.append(utf8("Hello, "))).isEqualTo("Hello, ");
        assertThat(acc.append(utf8("world"))).isEqualTo("world");
        assertThat(acc.flush()).isEmpty();
    }

    @Test
    void two_byte_char_split_in_two() {
        Utf8Accumulator acc = new Utf8Accumulator();
        byte[] e = utf8("é");   // C3 A9

        assertThat(acc.append(bytes('a', e[0] & 0xFF))).isEqualTo("a");
        assertThat(acc.append(bytes(e[1] & 0xFF, 'b'))).isEqualTo("éb");
        assertThat(acc.flush()).isEmpty();
    }

    @Test
    void three_byte_char_split_in_three() {
        Utf8Accumulator acc = new Utf8Accumulator();
        byte[] euro = utf8("€");   // E2 82 AC

        assertThat(acc.append(new byte[] {euro[0]})).isEmpty();
        assertThat(acc.append(new byte[] {euro[1]})).isEmpty();
        assertThat(acc.append(new byte[] {euro[2]})).isEqualTo("€");
    }

    @Test
    void four_byte_emoji_split_in_four() {
        Utf8Accumulator acc = new Utf8Accumulator();
        byte[] emoji = utf8("😀");   // F0 9F 98 80

        assertThat(acc.append(new byte[] {emoji[0]})).isEmpty();
        assertThat(acc.append(new byte[] {emoji[1]})).isEmpty();
        assertThat(acc.append(new byte[] {emoji[2]})).isEmpty();
        assertThat(acc.append(new byte[] {emoji[3]})).isEqualTo("😀");
        assertThat(acc.flush()).isEmpty();
    }

    @Test
    void emoji_split_two_and_two_between_other_text() {
        Utf8Accumulator acc = new Utf8Accumulator();
        byte[] all = utf8("x😀y");

        assertThat(acc.append(Arrays.copyOfRange(all, 0, 3))).isEqualTo("x");
        assertThat(acc.append(Arrays.copyOfRange(all, 3, 6))).isEqualTo("😀y");
    }

    @Test
    void empty_append_returns_nothing_and_keeps_pending_bytes() {
        Utf8Accumulator acc = new Utf8Accumulator();

        assertThat(acc.append(bytes(0xE2, 0x82))).isEmpty();
        assertThat(acc.append(new byte[0])).isEmpty();
        assertThat(acc.append(bytes(0xAC))).isEqualTo("€");
    }

    @Test
    void invalid_bytes_become_replacement_characters() {
        Utf8Accumulator acc = new Utf8Accumulator();

        // lone continuation, overlong lead C0, out-of-range lead F5
        assertThat(acc.append(bytes('a', 0x80, 0xC0, 0xAF, 0xF5, 'b'))).isEqualTo("a\uFFFD\uFFFD\uFFFD\uFFFDb");
    }

    @Test
    void truncated_sequence_followed_by_ascii_is_one_replacement() {
        Utf8Accumulator acc = new Utf8Accumulator();

        assertThat(acc.append(bytes(0xE2, 0x82))).isEmpty();
        assertThat(acc.append(bytes('z'))).isEqualTo("\uFFFDz");
    }

    @Test
    void surrogate_code_points_are_rejected() {
        Utf8Accumulator acc = new Utf8Accumulator();

        // ED A0 80 would encode U+D800: ED is a maximal subpart, then two lone continuations
        assertThat(acc.append(bytes(0xED, 0xA0, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD");
    }

    @Test
    void flush_renders_an_incomplete_tail_as_one_replacement_and_resets() {
        Utf8Accumulator acc = new Utf8Accumulator();

        assertThat(acc.append(bytes('a', 0xF0, 0x9F, 0x98))).isEqualTo("a");
        assertThat(acc.flush()).isEqualTo("\uFFFD");
        assertThat(acc.flush()).isEmpty();
        assertThat(acc.append(utf8("ok"))).isEqualTo("ok");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7})
    void matches_the_jdk_decoder_for_any_chunking(int seed) {
        // valid text interleaved with random bytes, fed in chunks of 0 to 5 bytes
        Random random = new Random(seed);
        byte[] data = new byte[2000];
        for (int i = 0; i < data.length; i++) {
            // random bytes; no ED lead, where the JDK treats encoded surrogates differently (see class javadoc)
            int b = random.nextInt(256);
            data[i] = (byte) (b == 0xED ? 0xEE : b);
        }
        byte[] text = utf8("naïve café € 😀 日本語 ");
        for (int at = 0; at + text.length < data.length; at += 97) {
            System.arraycopy(text, 0, data, at, text.length);
        }

        Utf8Accumulator acc = new Utf8Accumulator();
        StringBuilder decoded = new StringBuilder();
        int i = 0;
        while (i < data.length) {
            int n = Math.min(data.length - i, random.nextInt(6));
            decoded.append(acc.append(Arrays.copyOfRange(data, i, i + n)));
            i += n;
        }
        decoded.append(acc.flush());

        assertThat(decoded.toString()).isEqualTo(new String(data, StandardCharsets.UTF_8));
    }

    @Test
    void chunking_never_changes_the_result_even_for_encoded_surrogates() {
        byte[] data = bytes('a', 0xED, 0xA0, 0x80, 0xE2, 0x82, 0xAC, 0xED, 0x9F, 0xBF, 0xF0, 0x9F);
        Utf8Accumulator whole = new Utf8Accumulator();
        String expected = whole.append(data) + whole.flush();

        for (int cut1 = 0; cut1 <= data.length; cut1++) {
            for (int cut2 = cut1; cut2 <= data.length; cut2++) {
                Utf8Accumulator acc = new Utf8Accumulator();
                String out = acc.append(Arrays.copyOfRange(data, 0, cut1))
                        + acc.append(Arrays.copyOfRange(data, cut1, cut2))
                        + acc.append(Arrays.copyOfRange(data, cut2, data.length))
                        + acc.flush();
                assertThat(out).as("cuts %d, %d", cut1, cut2).isEqualTo(expected);
            }
        }
        assertThat(expected).isEqualTo("a\uFFFD\uFFFD\uFFFD€\uD7FF\uFFFD");
    }
}
