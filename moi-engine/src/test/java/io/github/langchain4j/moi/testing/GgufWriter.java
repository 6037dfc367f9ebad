package io.github.langchain4j.moi.testing;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files for tests: key/values, tensor infos, alignment padding and tensor data, in the layout
 * ggml's gguf reader at b4916 expects (tensors contiguous, each padded to the alignment). While writing it
 * records where things are, so a fuzzer can aim at length fields and at the metadata region.
 */
public final class GgufWriter {

    public static final int TYPE_U8 = 0, TYPE_I8 = 1, TYPE_U16 = 2, TYPE_I16 = 3, TYPE_U32 = 4, TYPE_I32 = 5,
            TYPE_F32 = 6, TYPE_BOOL = 7, TYPE_STRING = 8, TYPE_ARRAY = 9, TYPE_U64 = 10, TYPE_I64 = 11, TYPE_F64 = 12;
    public static final int GGML_F32 = 0, GGML_F16 = 1, GGML_Q8_0 = 8;
    public static final int ALIGNMENT = 32;

    private record Kv(String key, int type, Object value) {
    }

    private record Tensor(String name, int type, long[] ne, byte[] data) {
    }

    /**
     * Where the parts of a written file are.
     *
     * @param dataOffset        start of the tensor data section (end of the metadata region, padding included)
     * @param lengthFields      offsets of every u64 count or length (header counts, string lengths, array lengths)
     * @param valueRanges       key -> [start, end) of its whole key/value entry
     * @param tensorInfos       tensor name -> offset of its tensor info (the length of its name)
     */
    public record Layout(long dataOffset, List<Long> lengthFields, Map<String, long[]> valueRanges,
                         Map<String, Long> tensorInfos) {

        /** Offset of the value of a scalar key (after its name and type). */
        public long valueOffset(String key) {
            return valueRanges.get(key)[0] + 8 + key.getBytes(StandardCharsets.UTF_8).length + 4;
        }
    }

    private final List<Kv> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private Layout layout;

    public GgufWriter put(String key, String value) {
        return add(key, TYPE_STRING, value);
    }

    public GgufWriter putU32(String key, int value) {
        return add(key, TYPE_U32, value);
    }

    public GgufWriter putI32(String key, int value) {
        return add(key, TYPE_I32, value);
    }

    public GgufWriter putF32(String key, float value) {
        return add(key, TYPE_F32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return add(key, TYPE_BOOL, value);
    }

    public GgufWriter putArray(String key, String[] values) {
        return add(key, TYPE_ARRAY, values);
    }

    public GgufWriter putArray(String key, float[] values) {
        return add(key, TYPE_ARRAY, values);
    }

    public GgufWriter putArray(String key, int[] values) {
        return add(key, TYPE_ARRAY, values);
    }

    /** Drops a key written so far (to put it again with another value: a repeated key is a damaged file). */
    public GgufWriter without(String key) {
        kvs.removeIf(kv -> kv.key().equals(key));
        return this;
    }

    private GgufWriter add(String key, int type, Object value) {
        kvs.add(new Kv(key, type, value));
        return this;
    }

    /** Adds a tensor; {@code ne[0]} is the contiguous dimension, {@code data} its bytes in the given ggml type. */
    public GgufWriter tensor(String name, int ggmlType, long[] ne, byte[] data) {
        tensors.add(new Tensor(name, ggmlType, ne.clone(), data));
        return this;
    }

    /** An F32 tensor. */
    public GgufWriter tensor(String name, long[] ne, float[] values) {
        return tensor(name, GGML_F32, ne, f32(values));
    }

    /** The values of an F32 tensor added before (tests compare the model's rows with them). */
    public float[] f32Tensor(String name) {
        for (Tensor t : tensors) {
            if (t.name().equals(name) && t.type() == GGML_F32) {
                float[] out = new float[t.data().length / 4];
                ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                return out;
            }
        }
        throw new IllegalArgumentException("no F32 tensor " + name);
    }

    /** The layout of the last {@link #toBytes()}. */
    public Layout layout() {
        return layout;
    }

    /**
     * Writes the file: the same bytes as {@link #toBytes()}, but the tensor data goes straight to the file, so a
     * model of gigabytes (more than one array holds) can be written.
     */
    public Path write(Path file) {
        Out header = header();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            header.writeTo(out);
            byte[] padding = new byte[ALIGNMENT];
            for (Tensor t : tensors) {
                out.write(t.data());
                out.write(padding, 0, (int) (pad(t.data().length) - t.data().length));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] toBytes() {
        Out out = header();
        for (Tensor t : tensors) {
            out.write(t.data(), 0, t.data().length);
            out.padTo(ALIGNMENT);
        }
        return out.toByteArray();
    }

    /** Everything before the tensor data (padding included); records the {@link #layout()}. */
    private Out header() {
        Out out = new Out();
        List<Long> lengthFields = new ArrayList<>();
        Map<String, long[]> ranges = new LinkedHashMap<>();
        out.u32(0x46554747); // "GGUF"
        out.u32(3);
        lengthFields.add((long) out.size());
        out.u64(tensors.size());
        lengthFields.add((long) out.size());
        out.u64(kvs.size());
        for (Kv kv : kvs) {
            long start = out.size();
            out.str(kv.key(), lengthFields);
            out.u32(kv.type());
            writeValue(out, kv.type(), kv.value(), lengthFields);
            ranges.put(kv.key(), new long[]{start, out.size()});
        }
        long offset = 0;
        Map<String, Long> infos = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            infos.put(t.name(), (long) out.size());
            out.str(t.name(), lengthFields);
            out.u32(t.ne().length);
            for (long n : t.ne()) {
                out.u64(n);
            }
            out.u32(t.type());
            out.u64(offset);
            offset += pad(t.data().length);
        }
        out.padTo(ALIGNMENT);
        long dataOffset = out.size();
        layout = new Layout(dataOffset, List.copyOf(lengthFields), ranges, infos);
        return out;
    }

    private static void writeValue(Out out, int type, Object value, List<Long> lengthFields) {
        switch (type) {
            case TYPE_STRING -> out.str((String) value, lengthFields);
            case TYPE_U32, TYPE_I32 -> out.u32((Integer) value);
            case TYPE_F32 -> out.u32(Float.floatToRawIntBits((Float) value));
            case TYPE_BOOL -> out.write((Boolean) value ? 1 : 0);
            case TYPE_ARRAY -> {
                if (value instanceof String[] strings) {
                    out.u32(TYPE_STRING);
                    lengthFields.add((long) out.size());
                    out.u64(strings.length);
                    for (String s : strings) {
                        out.str(s, lengthFields);
                    }
                } else if (value instanceof float[] floats) {
                    out.u32(TYPE_F32);
                    lengthFields.add((long) out.size());
                    out.u64(floats.length);
                    for (float f : floats) {
                        out.u32(Float.floatToRawIntBits(f));
                    }
                } else {
                    int[] ints = (int[]) value;
                    out.u32(TYPE_I32);
                    lengthFields.add((long) out.size());
                    out.u64(ints.length);
                    for (int i : ints) {
                        out.u32(i);
                    }
                }
            }
            default -> throw new IllegalArgumentException("type " + type);
        }
    }

    private static long pad(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    public static byte[] f32(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public static byte[] f16(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(toHalf(v));
        }
        return b.array();
    }

    /** Q8_0: blocks of 32 values, an f16 scale then 32 signed bytes. */
    public static byte[] q8_0(float[] values) {
        if (values.length % 32 != 0) {
            throw new IllegalArgumentException("Q8_0 needs a multiple of 32 values");
        }
        ByteBuffer b = ByteBuffer.allocate(values.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int block = 0; block < values.length; block += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(values[block + i]));
            }
            float d = amax / 127f;
            float id = d == 0 ? 0 : 1 / d;
            b.putShort(toHalf(d));
            for (int i = 0; i < 32; i++) {
                b.put((byte) Math.round(values[block + i] * id));
            }
        }
        return b.array();
    }

    /** IEEE half precision, round to nearest even; enough for the normal range the tests use. */
    static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = bits & 0x7fffff;
        if (exp <= 0) {
            return (short) sign; // too small for a normal half: zero
        }
        if (exp >= 31) {
            return (short) (sign | 0x7c00);
        }
        int half = sign | (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) half;
    }

    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(1 << 20);
        }

        void u32(int v) {
            for (int i = 0; i < 4; i++) {
                write(v >>> (8 * i));
            }
        }

        void u64(long v) {
            for (int i = 0; i < 8; i++) {
                write((int) (v >>> (8 * i)));
            }
        }

        void str(String s, List<Long> lengthFields) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            lengthFields.add((long) size());
            u64(bytes.length);
            write(bytes, 0, bytes.length);
        }

        void padTo(int alignment) {
            while (size() % alignment != 0) {
                write(0);
            }
        }
    }
}
