package io.github.langchain4j.moi.llamacpp;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the whole metadata section of a GGUF file in Java, every length, count and offset checked against
 * the file, before ggml's gguf reader or llama.cpp's loader see the file. Both abort the process on some
 * malformed input instead of returning an error (an empty key, a {@code general.alignment} that is not a
 * u32, two equal token texts, a BYTE token without a {@code <0xXX>} text, an SPM vocabulary without byte
 * tokens...). A bad file gives a {@link BadModelFileException} that names the problem and its byte offset.
 *
 * <p>The checks follow ggml's gguf reader at b4916 (value types 0..12, no nested arrays, tensor names under
 * 64 bytes, 1..4 dimensions, known tensor types whose block size divides {@code ne[0]}, tensors stored in
 * order, each at the aligned end of the one before), plus what llama.cpp's vocabulary loader reads
 * unchecked, plus what this library needs ({@code token_embd.weight}: 2 dimensions, a float or quantized type).
 */
final class GgufValidator {

    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final String TOKEN_EMBEDDINGS = "token_embd.weight";

    // gguf value types
    static final int U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7, STRING = 8, ARRAY = 9,
            U64 = 10, I64 = 11, F64 = 12;
    private static final int[] VALUE_SIZE = {1, 1, 2, 2, 4, 4, 4, 1, -1, -1, 8, 8, 8};

    /** ggml types known at b4916: {type id, block size, bytes per block}; removed ids (4, 5, 31-33, 36-38) are absent. */
    private static final int[][] GGML_TYPES = {
            {0, 1, 4}, {1, 1, 2}, {2, 32, 18}, {3, 32, 20}, {6, 32, 22}, {7, 32, 24}, {8, 32, 34}, {9, 32, 36},
            {10, 256, 84}, {11, 256, 110}, {12, 256, 144}, {13, 256, 176}, {14, 256, 210}, {15, 256, 292},
            {16, 256, 66}, {17, 256, 74}, {18, 256, 98}, {19, 256, 50}, {20, 32, 18}, {21, 256, 110},
            {22, 256, 82}, {23, 256, 136}, {24, 1, 1}, {25, 1, 2}, {26, 1, 4}, {27, 1, 8}, {28, 1, 8},
            {29, 256, 56}, {30, 1, 2}, {34, 256, 54}, {35, 256, 66}};
    /** Integer and F64 tensors: ggml has no dequantization to f32 for them, so they cannot be input embeddings. */
    private static final Set<Integer> NOT_EMBEDDABLE = Set.of(24, 25, 26, 27, 28);
    private static final int MAX_NAME = 64; // GGML_MAX_NAME
    private static final int MAX_DIMS = 4;  // GGML_MAX_DIMS
    private static final int BYTE_TOKEN = 6; // llama_token_type BYTE

    /** Float hyperparameters (after {@code arch.}) that llama.cpp b4916 needs above 0: norm epsilons, rope bases. */
    private static final Set<String> POSITIVE_FLOATS = Set.of("attention.layer_norm_rms_epsilon",
            "attention.layer_norm_epsilon", "attention.group_norm_epsilon", "rope.freq_base", "rope.freq_base_swa");
    /** Float hyperparameters where llama.cpp reads 0 as "not set" and divides by any other value. */
    private static final Set<String> NON_NEGATIVE_FLOATS = Set.of("rope.scaling.factor", "rope.scale_linear",
            "rope.scaling.attn_factor", "attention.scale", "logit_scale", "final_logit_softcapping",
            "attn_logit_softcapping", "expert_weights_scale", "residual_scale", "embedding_scale");

    /**
     * A tensor as the file describes it.
     *
     * @param offset absolute file offset of its data
     */
    record Tensor(String name, int type, long[] ne, long offset, long bytes) {
    }

    /** An array value: its element type and length (string arrays of the tokenizer keep their strings). */
    record Array(int elementType, long length, String[] strings, int[] ints) {
    }

    /**
     * What the checks read.
     *
     * @param values   scalars (Long, Double, Boolean or String) and {@link Array}s by key
     * @param tensors  by name, in file order
     */
    record Result(long fileSize, int version, long alignment, long dataOffset, Map<String, Object> values,
                  Map<String, Tensor> tensors) {

        String string(String key) {
            return values.get(key) instanceof String s ? s : null;
        }
    }

    private GgufValidator() {
    }

    /** Checks the file; throws {@link BadModelFileException} naming the first problem found. */
    static Result validate(Path path) {
        if (!Files.exists(path)) {
            throw new BadModelFileException("model file not found: " + path);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new BadModelFileException("model file is not a readable file: " + path);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return new GgufValidator.Parser(path, channel).parse();
        } catch (IOException e) {
            throw new BadModelFileException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Block size and bytes per block of a ggml type, or null for a type ggml b4916 does not know. */
    static int[] ggmlType(int type) {
        for (int[] t : GGML_TYPES) {
            if (t[0] == type) {
                return t;
            }
        }
        return null;
    }

    private static final class Parser {

        private final Path path;
        private final FileChannel channel;
        private final long size;
        private final ByteBuffer window = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long windowStart;
        private long pos;
        private final Map<String, Integer> types = new HashMap<>();   // value type by key
        private final Map<String, Long> offsets = new HashMap<>();    // entry offset by key
        private String arrayKey;  // the array being read, and the element, for messages
        private long element;

        Parser(Path path, FileChannel channel) throws IOException {
            this.path = path;
            this.channel = channel;
            this.size = channel.size();
            window.limit(0);
        }

        Result parse() throws IOException {
            if (size < 24) {
                throw bad(0, "not a GGUF file (only " + size + " bytes)");
            }
            if (i32("the magic") != MAGIC) {
                throw bad(0, "not a GGUF file (it does not start with the GGUF magic)");
            }
            int version = i32("the version");
            if (version < 2 || version > 3) {
                throw bad(4, "unsupported GGUF version " + version + " (expected 2 or 3)");
            }
            long nTensors = count(i64("the tensor count"), 8 + 4 + 8 + 4 + 8, "tensor count", 8);
            long nKv = count(i64("the key/value count"), 8 + 4 + 1, "key/value count", 16);

            Map<String, Object> values = new LinkedHashMap<>();
            for (long i = 0; i < nKv; i++) {
                long at = pos;
                String key = string("key " + i);
                if (key.isEmpty()) {
                    throw bad(at, "key " + i + " is empty");
                }
                if (values.containsKey(key)) {
                    throw bad(at, "duplicate key '" + key + "'");
                }
                offsets.put(key, at);
                values.put(key, value(key));
            }
            long alignment = alignment(values);
            checkVocabulary(values);

            // tensor infos: offsets relative to the data section for now
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long[] infoAt = new long[(int) nTensors];
            for (int i = 0; i < nTensors; i++) {
                infoAt[i] = pos;
                Tensor t = tensorInfo(i, alignment);
                if (tensors.put(t.name(), t) != null) {
                    throw bad(infoAt[i], "duplicate tensor name '" + t.name() + "'");
                }
            }
            long dataOffset = (pos + alignment - 1) / alignment * alignment;
            if (dataOffset > size) {
                throw bad(pos, "the file ends before its tensor data section at byte " + dataOffset);
            }

            // ggml's reader wants each tensor at the aligned end of the one before; all must lie inside the file
            Map<String, Tensor> placed = new LinkedHashMap<>();
            long expected = 0;
            int i = 0;
            for (Tensor t : tensors.values()) {
                if (t.offset() != expected) {
                    throw bad(infoAt[i], "tensor '" + t.name() + "' has offset " + t.offset() + " but the tensors before it end at "
                            + expected + " (tensors must be stored in order, each aligned to " + alignment + " bytes)");
                }
                long end = dataOffset + t.offset() + t.bytes();
                if (end > size || end < 0) {
                    throw bad(dataOffset + t.offset(), "the file is truncated: tensor '" + t.name() + "' ends at byte "
                            + end + " but the file has " + size + " bytes");
                }
                placed.put(t.name(), new Tensor(t.name(), t.type(), t.ne(), dataOffset + t.offset(), t.bytes()));
                expected = t.offset() + (t.bytes() + alignment - 1) / alignment * alignment;
                i++;
            }
            Result result = new Result(size, version, alignment, dataOffset, values, placed);
            checkModel(result);
            return result;
        }

        /** One tensor info: name, dimensions, type and offset (relative to the data section). */
        private Tensor tensorInfo(int i, long alignment) throws IOException {
            long at = pos;
            String name = string("the name of tensor " + i);
            if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length >= MAX_NAME) {
                throw bad(at, "tensor " + i + " has a name of " + name.length() + " bytes (1.." + (MAX_NAME - 1) + ")");
            }
            long dimsAt = pos;
            int nDims = i32("the dimension count of " + name);
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw bad(dimsAt, "tensor '" + name + "' has " + Integer.toUnsignedString(nDims) + " dimensions (1.." + MAX_DIMS + ")");
            }
            long[] ne = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long neAt = pos;
                ne[d] = i64("dimension " + d + " of " + name);
                if (ne[d] <= 0) {
                    throw bad(neAt, "tensor '" + name + "' has dimension " + d + " of " + ne[d]);
                }
                elements = multiply(elements, ne[d], neAt, name);
            }
            long typeAt = pos;
            int type = i32("the type of " + name);
            int[] traits = ggmlType(type);
            if (traits == null) {
                throw bad(typeAt, "tensor '" + name + "' has unknown ggml type " + type);
            }
            if (ne[0] % traits[1] != 0) {
                throw bad(typeAt, "tensor '" + name + "' has a first dimension of " + ne[0]
                        + ", not a multiple of the block size " + traits[1] + " of ggml type " + type);
            }
            long bytes = multiply(elements / traits[1], traits[2], typeAt, name);
            long offsetAt = pos;
            long offset = i64("the offset of " + name);
            if (offset < 0 || offset % alignment != 0) {
                throw bad(offsetAt, "tensor '" + name + "' has offset " + Long.toUnsignedString(offset)
                        + ", not a multiple of the alignment " + alignment);
            }
            return new Tensor(name, type, ne, offset, bytes);
        }

        /** general.alignment: ggml reads it with gguf_get_val_u32, which aborts on any other type. */
        private long alignment(Map<String, Object> values) {
            Object value = values.get("general.alignment");
            if (value == null) {
                return 32;
            }
            if (!(value instanceof Long a) || types.get("general.alignment") != U32) {
                throw bad(at("general.alignment"), "general.alignment must be a u32");
            }
            if (a == 0 || (a & (a - 1)) != 0) {
                throw bad(at("general.alignment"), "general.alignment " + a + " is not a power of 2");
            }
            return a;
        }

        /** What llama.cpp's vocabulary loader reads through unchecked pointers or asserts on. */
        private void checkVocabulary(Map<String, Object> values) {
            Object tokens = values.get("tokenizer.ggml.tokens");
            if (tokens == null) {
                return; // llama.cpp reports a missing vocabulary itself
            }
            if (!(tokens instanceof Array list) || list.elementType() != STRING || list.length() == 0) {
                throw bad(at("tokenizer.ggml.tokens"), "tokenizer.ggml.tokens must be a non-empty array of strings");
            }
            String model = values.get("tokenizer.ggml.model") instanceof String s ? s : null;
            if ("none".equals(model) || "no_vocab".equals(model)) {
                throw bad(at("tokenizer.ggml.model"), "the model has no vocabulary (tokenizer.ggml.model = " + model + ")");
            }
            int n = (int) list.length();
            String[] sorted = sortedWithoutDuplicates(list.strings());
            checkArray(values, "tokenizer.ggml.scores", F32, n);
            checkArray(values, "tokenizer.ggml.token_type", I32, n);
            if (values.containsKey("tokenizer.ggml.merges")
                    && !(values.get("tokenizer.ggml.merges") instanceof Array m && m.elementType() == STRING)) {
                throw bad(at("tokenizer.ggml.merges"), "tokenizer.ggml.merges must be an array of strings");
            }
            boolean spm = "llama".equals(model);
            if (values.get("tokenizer.ggml.token_type") instanceof Array types) {
                for (int i = 0; i < n; i++) {
                    if (types.ints() != null && types.ints()[i] == BYTE_TOKEN && !(("llama".equals(model) || "t5".equals(model))
                            && list.strings()[i].matches("<0x[0-9A-Fa-f]{2}>"))) {
                        throw bad(at("tokenizer.ggml.token_type"), "token " + i + " has type BYTE but its text is '" + list.strings()[i]
                                + "' (llama.cpp aborts on it)");
                    }
                }
            }
            if (spm) {
                // SPM tokenization falls back to <0xXX> tokens; a missing one throws out of llama_tokenize
                for (int b = 0; b < 256; b++) {
                    String byteToken = String.format("<0x%02X>", b);
                    if (Arrays.binarySearch(sorted, byteToken) < 0) {
                        throw bad(at("tokenizer.ggml.tokens"), "the SPM vocabulary has no byte token " + byteToken
                                + " (llama.cpp aborts when text needs it)");
                    }
                }
            }
        }

        /**
         * The token texts sorted, after checking that none repeats. Sorting a copy of the references replaced a
         * HashSet, whose 150k entries made ~15 MB of garbage at every load (touched heap stays in the RSS).
         */
        private String[] sortedWithoutDuplicates(String[] tokens) {
            String[] sorted = tokens.clone();
            Arrays.sort(sorted);
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i].equals(sorted[i - 1])) {
                    int first = -1;
                    for (int t = 0; t < tokens.length; t++) {
                        if (tokens[t].equals(sorted[i])) {
                            if (first >= 0) {
                                throw bad(at("tokenizer.ggml.tokens"), "token " + t + " repeats the text '" + tokens[t]
                                        + "' of an earlier token (llama.cpp aborts on duplicate tokens)");
                            }
                            first = t;
                        }
                    }
                }
            }
            return sorted;
        }

        private void checkArray(Map<String, Object> values, String key, int elementType, long length) {
            Object value = values.get(key);
            if (value != null && !(value instanceof Array a && a.elementType() == elementType && a.length() == length)) {
                throw bad(at(key), key + " must be an array of " + length + " values of gguf type " + elementType);
            }
        }

        // Architectures without attention: their converters write 0 for the head counts (and Mamba's for the
        // feed-forward size), which llama.cpp does not divide by for them. For the others a 0 would be divided by.
        private static final Set<String> ATTENTION_FREE = Set.of("mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7",
                "arwkv7");
        private static final Set<String> MODEL_SIZES = Set.of("embedding_length", "block_count", "context_length");

        /** What the rest of llama.cpp and this library need of the tensors and hyperparameters. */
        private void checkModel(Result r) {
            String arch = r.string("general.architecture");
            if (arch == null || arch.isEmpty()) {
                throw bad(at("general.architecture"), "general.architecture is missing or not a string");
            }
            Tensor embd = r.tensors().get(TOKEN_EMBEDDINGS);
            if (embd == null) {
                throw bad(r.dataOffset(), "there is no " + TOKEN_EMBEDDINGS + " tensor, which MoI needs");
            }
            if (embd.ne().length != 2 || NOT_EMBEDDABLE.contains(embd.type())) {
                throw bad(embd.offset(), TOKEN_EMBEDDINGS + " must be a 2-dimensional float or quantized tensor (has "
                        + embd.ne().length + " dimensions, ggml type " + embd.type() + ")");
            }
            for (String suffix : new String[]{"embedding_length", "block_count", "context_length",
                    "feed_forward_length", "attention.head_count", "attention.head_count_kv"}) {
                Object v = r.values().get(arch + "." + suffix);
                boolean zeroAllowed = ATTENTION_FREE.contains(arch) && !MODEL_SIZES.contains(suffix);
                if (v instanceof Long n && (n < 0 || n == 0 && !zeroAllowed || n > Integer.MAX_VALUE)) {
                    throw bad(at(arch + "." + suffix), arch + "." + suffix + " is " + n + ", not a positive 32-bit integer");
                }
            }
            checkFloatHyperparameters(r, arch);
            if (r.values().get(arch + ".embedding_length") instanceof Long nEmbd && nEmbd != embd.ne()[0]) {
                throw bad(embd.offset(), TOKEN_EMBEDDINGS + " has rows of " + embd.ne()[0] + " values but "
                        + arch + ".embedding_length is " + nEmbd);
            }
            if (r.values().get("tokenizer.ggml.tokens") instanceof Array tokens && tokens.length() != embd.ne()[1]) {
                throw bad(embd.offset(), TOKEN_EMBEDDINGS + " has " + embd.ne()[1] + " rows but the vocabulary has "
                        + tokens.length() + " tokens");
            }
        }

        /**
         * Float hyperparameters ({@code arch.*}): never NaN or infinite, and positive where llama.cpp divides by
         * them, takes their logarithm or asserts on their sign ({@code layer_norm_rms_epsilon = -1} aborted the
         * process in ggml's rms_norm: {@code GGML_ASSERT(eps >= 0.0f)}).
         */
        private void checkFloatHyperparameters(Result r, String arch) {
            for (Map.Entry<String, Object> entry : r.values().entrySet()) {
                String key = entry.getKey();
                if (!key.startsWith(arch + ".") || !(entry.getValue() instanceof Double value)) {
                    continue;
                }
                String name = key.substring(arch.length() + 1);
                if (!Double.isFinite(value)) {
                    throw bad(at(key), key + " is " + value + ", not a finite number");
                }
                if (POSITIVE_FLOATS.contains(name) && !(value > 0)) {
                    throw bad(at(key), key + " is " + value + ", but it must be greater than 0");
                }
                if (NON_NEGATIVE_FLOATS.contains(name) && value < 0) {
                    throw bad(at(key), key + " is " + value + ", but it must not be negative (0: not set)");
                }
            }
        }

        /** Where the entry of a key starts. */
        private long at(String key) {
            return offsets.getOrDefault(key, 0L);
        }

        private Object value(String key) throws IOException {
            long at = pos;
            int type = i32("the type of '" + key + "'");
            if (type < 0 || type > F64) {
                throw bad(at, "key '" + key + "' has unknown value type " + type);
            }
            types.put(key, type);
            if (type != ARRAY) {
                return scalar(type, key);
            }
            long elemAt = pos;
            int elementType = i32("the element type of '" + key + "'");
            if (elementType < 0 || elementType > F64 || elementType == ARRAY) {
                throw bad(elemAt, "array '" + key + "' has element type " + elementType
                        + (elementType == ARRAY ? " (nested arrays are not supported)" : " (unknown)"));
            }
            long length = count(i64("the length of '" + key + "'"),
                    elementType == STRING ? 8 : VALUE_SIZE[elementType], "length of array '" + key + "'", pos - 8);
            boolean keepStrings = key.equals("tokenizer.ggml.tokens");
            boolean keepInts = key.equals("tokenizer.ggml.token_type") && elementType == I32;
            String[] strings = keepStrings && elementType == STRING ? new String[(int) length] : null;
            int[] ints = keepInts ? new int[(int) length] : null;
            arrayKey = key;
            if (elementType != STRING && ints == null) {
                skipBytes(length * VALUE_SIZE[elementType]); // count() checked that they fit in the file
                return new Array(elementType, length, null, null);
            }
            for (int i = 0; i < length; i++) {
                element = i;
                if (strings != null) {
                    strings[i] = string(null);
                } else if (elementType == STRING) {
                    skipString(null);
                } else {
                    ints[i] = i32(null);
                }
            }
            return new Array(elementType, length, strings, ints);
        }

        private Object scalar(int type, String key) throws IOException {
            String what = "the value of '" + key + "'";
            return switch (type) {
                case U8 -> (long) (u8(what));
                case I8 -> (long) (byte) u8(what);
                case U16 -> (long) (u8(what) | u8(what) << 8);
                case I16 -> (long) (short) (u8(what) | u8(what) << 8);
                case U32 -> Integer.toUnsignedLong(i32(what));
                case I32 -> (long) i32(what);
                case F32 -> (double) Float.intBitsToFloat(i32(what));
                case BOOL -> u8(what) != 0;
                case STRING -> string(what);
                case U64, I64 -> i64(what);
                default -> Double.longBitsToDouble(i64(what)); // F64
            };
        }

        /** A count read from the file, checked against the bytes left (each item takes at least minBytes). */
        private long count(long n, long minBytes, String what, long at) {
            if (n < 0 || n > Integer.MAX_VALUE || n > (size - pos) / Math.max(1, minBytes)) {
                throw bad(at, "the " + what + " is " + Long.toUnsignedString(n) + ", more than the "
                        + (size - pos) + " bytes left in the file can hold");
            }
            return n;
        }

        private String string(String what) throws IOException {
            int length = stringLength(what);
            byte[] bytes = new byte[length];
            int done = 0;
            while (done < length) {
                fill(1, what);
                int n = Math.min(window.remaining(), bytes.length - done);
                window.get(bytes, done, n);
                done += n;
                pos += n;
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private void skipBytes(long n) {
            if (window.remaining() >= n) {
                window.position(window.position() + (int) n);
            } else {
                window.limit(0); // the next read refills the window at the new position
            }
            pos += n;
        }

        /** Skips a string: the elements of arrays whose strings nothing needs (merges, for one). */
        private void skipString(String what) throws IOException {
            skipBytes(stringLength(what));
        }

        private int stringLength(String what) throws IOException {
            long at = pos;
            long length = i64(what);
            if (length < 0 || length > size - pos || length > Integer.MAX_VALUE - 8) {
                throw bad(at, "the length of " + describe(what) + " is " + Long.toUnsignedString(length)
                        + ", more than the " + (size - pos) + " bytes left in the file");
            }
            return (int) length;
        }

        private int u8(String what) throws IOException {
            fill(1, what);
            pos += 1;
            return window.get() & 0xff;
        }

        private int i32(String what) throws IOException {
            fill(4, what);
            pos += 4;
            return window.getInt();
        }

        private long i64(String what) throws IOException {
            fill(8, what);
            pos += 8;
            return window.getLong();
        }

        /** Makes n bytes at pos available in the window, or reports that the file ends first. */
        private void fill(int n, String what) throws IOException {
            if (pos + n > size) {
                throw bad(pos, "the file ends inside " + describe(what) + " (truncated at byte " + size + ")");
            }
            if (window.remaining() >= n) {
                return;
            }
            window.clear();
            windowStart = pos;
            while (window.position() < n) {
                if (channel.read(window, windowStart + window.position()) < 0) {
                    throw bad(pos, "the file ends inside " + describe(what));
                }
            }
            window.flip();
        }

        private long multiply(long a, long b, long at, String name) {
            try {
                return Math.multiplyExact(a, b);
            } catch (ArithmeticException e) {
                throw bad(at, "tensor '" + name + "' is too large (its size overflows 64 bits)");
            }
        }

        /** What was being read: {@code what}, or for null the current array element (described only on error). */
        private String describe(String what) {
            return what != null ? what : "element " + element + " of '" + arrayKey + "'";
        }

        private BadModelFileException bad(long at, String problem) {
            return new BadModelFileException("damaged or unsupported GGUF file " + path + " at byte " + at + ": " + problem);
        }
    }
}
