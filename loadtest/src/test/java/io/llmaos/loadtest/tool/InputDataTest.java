package io.llmaos.loadtest.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.proto.oip.ModelMetadataResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** perf_analyzer's input JSON and NumPy .npy files, read against a model's metadata. */
class InputDataTest {
    private static final ModelMetadataResponse METADATA = ModelMetadataResponse.newBuilder()
            .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName("x")
                    .setDatatype("FP32")
                    .addShape(-1)
                    .addShape(2))
            .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName("text")
                    .setDatatype("BYTES")
                    .addShape(1))
            .build();

    @Test
    void jsonEntriesBecomeRequests(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data.json");
        Files.writeString(
                file,
                "{\"data\": [{\"x\": [1.5, 2], \"text\": [\"hi\"]},"
                        + " {\"x\": {\"content\": [[1, 2], [3, 4]], \"shape\": [2, 2]}, \"text\": {\"b64\": \""
                        + java.util.Base64.getEncoder().encodeToString(new byte[] {2, 0, 0, 0, 'o', 'k'})
                        + "\", \"shape\": [1]}}]}");
        List<List<TensorInputs.Input>> requests = InputData.read(file, METADATA);
        assertEquals(2, requests.size());
        TensorInputs.Input x = requests.get(0).get(0);
        assertArrayEquals(new long[] {1, 2}, x.shape(), "-1 filled from the content");
        ByteBuffer b = x.raw().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1.5f, b.getFloat());
        assertEquals(2f, b.getFloat());
        byte[] text = requests.get(0).get(1).raw().toByteArray();
        assertEquals(2, ByteBuffer.wrap(text).order(ByteOrder.LITTLE_ENDIAN).getInt(), "length-prefixed BYTES");
        assertEquals("hi", new String(text, 4, 2, StandardCharsets.UTF_8));
        assertArrayEquals(new long[] {2, 2}, requests.get(1).get(0).shape());
        assertEquals(16, requests.get(1).get(0).raw().size());
        assertEquals("ok", requests.get(1).get(1).raw().substring(4).toStringUtf8());
    }

    @Test
    void aMissingInputOrAValueOfTheWrongKindIsNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, "{\"data\": [{\"x\": [1, 2]}]}");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> InputData.read(missing, METADATA));
        assertTrue(e.getMessage().contains("no input 'text'"), e.getMessage());
        Path wrong = dir.resolve("wrong.json");
        Files.writeString(wrong, "{\"data\": [{\"x\": [\"a\", \"b\"], \"text\": [\"t\"]}]}");
        e = assertThrows(IllegalArgumentException.class, () -> InputData.read(wrong, METADATA));
        assertTrue(e.getMessage().contains("not a number of FP32"), e.getMessage());
    }

    @Test
    void aFolderOfNpyFilesIsOneRequest(@TempDir Path dir) throws Exception {
        ModelMetadataResponse metadata = ModelMetadataResponse.newBuilder()
                .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                        .setName("features")
                        .setDatatype("FP32")
                        .addShape(-1)
                        .addShape(3))
                .build();
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            data.putFloat(i);
        }
        Files.write(dir.resolve("features.npy"), npy("<f4", "(2, 3)", data.array()));
        List<List<TensorInputs.Input>> requests = InputData.read(dir, metadata);
        assertEquals(1, requests.size());
        assertArrayEquals(new long[] {2, 3}, requests.get(0).get(0).shape());
        assertArrayEquals(data.array(), requests.get(0).get(0).raw().toByteArray());
        Files.write(dir.resolve("features.npy"), npy("<i8", "(2, 3)", new byte[48]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputData.read(dir, metadata));
        assertTrue(e.getMessage().contains("does not hold little-endian FP32"), e.getMessage());
    }

    /** A version 1.0 .npy file of {@code descr} and {@code shape} holding {@code data}. */
    private static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        b.putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.US_ASCII))
                .put(data);
        return b.array();
    }
}
