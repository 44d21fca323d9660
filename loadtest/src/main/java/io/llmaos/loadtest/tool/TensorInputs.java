package io.llmaos.loadtest.tool;

import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.ModelMetadataResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Tensor inputs made from a model's metadata (OIP ModelMetadata: name, datatype, shape): each input's
 * raw little-endian contents, random within its datatype (BYTES as random words, length-prefixed as
 * the protocol's raw form says) or zeros. A dimension of -1 is the batch size when it comes first,
 * else 1.
 */
final class TensorInputs {
    /** One input: its name, datatype, shape and raw contents. */
    record Input(String name, String datatype, long[] shape, ByteString raw) {}

    private TensorInputs() {}

    /** The inputs of one request, with {@code random} (null: zeros). */
    static List<Input> of(ModelMetadataResponse metadata, int batchSize, Random random) {
        List<Input> inputs = new ArrayList<>();
        for (ModelMetadataResponse.TensorMetadata t : metadata.getInputsList()) {
            long[] shape = new long[t.getShapeCount()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = t.getShape(i);
                shape[i] = d >= 0 ? d : i == 0 ? batchSize : 1;
                elements *= shape[i];
            }
            inputs.add(new Input(t.getName(), t.getDatatype(), shape, raw(t.getDatatype(), elements, random)));
        }
        return inputs;
    }

    private static ByteString raw(String datatype, long elements, Random random) {
        if (elements > (64 << 20)) {
            throw new IllegalArgumentException("an input of " + elements + " elements is too large for a load test");
        }
        int n = (int) elements;
        if (datatype.equals("BYTES")) {
            List<String> texts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                texts.add(random == null ? "" : words(random));
            }
            return bytes(texts);
        }
        int size = size(datatype);
        ByteBuffer b = ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
        if (random != null) {
            for (int i = 0; i < n; i++) {
                switch (datatype) {
                    case "FP32" -> b.putFloat(random.nextFloat() * 2 - 1);
                    case "FP64" -> b.putDouble(random.nextDouble() * 2 - 1);
                    case "FP16", "BF16" -> b.putShort((short) (random.nextBoolean() ? 0x3c00 : 0x3800));
                    case "BOOL" -> b.put((byte) (random.nextBoolean() ? 1 : 0));
                    case "INT8", "UINT8" -> b.put((byte) random.nextInt(100));
                    case "INT16", "UINT16" -> b.putShort((short) random.nextInt(100));
                    case "INT32", "UINT32" -> b.putInt(random.nextInt(100));
                    default -> b.putLong(random.nextInt(100));
                }
            }
        }
        return ByteString.copyFrom(b.array());
    }

    /** BYTES elements in the protocol's raw form: each one's UTF-8 length (4 bytes, little-endian), then it. */
    static ByteString bytes(List<String> texts) {
        ByteString.Output out = ByteString.newOutput();
        for (String t : texts) {
            byte[] text = t.getBytes(StandardCharsets.UTF_8);
            byte[] length = ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(text.length)
                    .array();
            out.write(length, 0, 4);
            out.write(text, 0, text.length);
        }
        return out.toByteString();
    }

    private static int size(String datatype) {
        return switch (datatype) {
            case "BOOL", "INT8", "UINT8" -> 1;
            case "INT16", "UINT16", "FP16", "BF16" -> 2;
            case "INT32", "UINT32", "FP32" -> 4;
            case "INT64", "UINT64", "FP64" -> 8;
            default -> throw new IllegalArgumentException("cannot make inputs of datatype " + datatype);
        };
    }

    private static String words(Random random) {
        String[] vocabulary = {"a", "man", "is", "eating", "bread", "the", "sky", "blue", "fast", "model"};
        StringBuilder b = new StringBuilder();
        int n = 3 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return b.toString();
    }
}
