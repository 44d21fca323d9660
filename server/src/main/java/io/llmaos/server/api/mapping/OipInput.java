package io.llmaos.server.api.mapping;

import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.server.core.error.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Input {@code i} of an Open Inference Protocol request read as plain values (one text, integer,
 * number or bool; or a list of texts), from raw or typed contents, for the inputs of Triton's LLM
 * convention.
 */
record OipInput(ModelInferRequest r, int i) {
    String name() {
        return r.getInputs(i).getName();
    }

    String field() {
        return "inputs[" + i + "]";
    }

    private ModelInferRequest.InferInputTensor in() {
        return r.getInputs(i);
    }

    private ByteBuffer raw() {
        return r.getRawInputContentsCount() == 0
                ? null
                : r.getRawInputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private void requireOne(String... types) {
        if (!List.of(types).contains(in().getDatatype())) {
            throw new InvalidInputException(field() + ".datatype", "must be one of " + List.of(types));
        }
        long n = 1;
        for (long d : in().getShapeList()) {
            n *= d;
        }
        if (n != 1) {
            throw new InvalidInputException(field() + ".shape", "must hold exactly one element");
        }
    }

    String text(int maxBytes) {
        requireOne("BYTES");
        byte[] bytes;
        ByteBuffer raw = raw();
        if (raw != null) {
            if (raw.remaining() < 4 || raw.getInt(0) < 0 || raw.getInt(0) != raw.remaining() - 4) {
                throw new InvalidInputException(
                        "raw_input_contents[" + i + "]", "is not one length-prefixed BYTES element");
            }
            bytes = new byte[raw.remaining() - 4];
            raw.position(4);
            raw.get(bytes);
        } else if (in().getContents().getBytesContentsCount() == 1) {
            bytes = in().getContents().getBytesContents(0).toByteArray();
        } else {
            throw new InvalidInputException(field() + ".contents", "must hold one bytes_contents element");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidInputException(
                    field(),
                    "is " + bytes.length + " bytes; the server takes at most " + maxBytes
                            + " bytes (--max-prompt-bytes)");
        }
        return utf8(bytes);
    }

    /** Every element of a BYTES input (any count), each at most {@code maxBytes}. */
    List<String> texts(int maxBytes) {
        if (!in().getDatatype().equals("BYTES")) {
            throw new InvalidInputException(field() + ".datatype", "must be BYTES");
        }
        long n = 1;
        for (long d : in().getShapeList()) {
            n *= d;
        }
        List<byte[]> elements = new ArrayList<>();
        ByteBuffer raw = raw();
        if (raw != null) {
            while (raw.remaining() >= 4 && elements.size() <= GenerateMapping.MAX_STOP_SEQUENCES) {
                int size = raw.getInt();
                if (size < 0 || size > raw.remaining()) {
                    throw new InvalidInputException("raw_input_contents[" + i + "]", "is not length-prefixed BYTES");
                }
                byte[] e = new byte[size];
                raw.get(e);
                elements.add(e);
            }
        } else {
            in().getContents().getBytesContentsList().forEach(b -> elements.add(b.toByteArray()));
        }
        if (elements.size() != n || n > GenerateMapping.MAX_STOP_SEQUENCES) {
            throw new InvalidInputException(
                    field(), "must hold as many elements as its shape, at most " + GenerateMapping.MAX_STOP_SEQUENCES);
        }
        List<String> out = new ArrayList<>();
        for (byte[] e : elements) {
            if (e.length > maxBytes) {
                throw new InvalidInputException(field(), "has an element longer than " + maxBytes + " bytes");
            }
            out.add(utf8(e));
        }
        return out;
    }

    double real() {
        String type = in().getDatatype();
        if (!type.equals("FP32") && !type.equals("FP64")) {
            return integer();
        }
        requireOne("FP32", "FP64");
        ByteBuffer raw = raw();
        var c = in().getContents();
        if (raw != null) {
            if (raw.remaining() != (type.equals("FP32") ? 4 : 8)) {
                throw new InvalidInputException("raw_input_contents[" + i + "]", "must hold one " + type);
            }
            return type.equals("FP32") ? raw.getFloat(0) : raw.getDouble(0);
        }
        if (c.getFp32ContentsCount() == 1) {
            return c.getFp32Contents(0);
        }
        if (c.getFp64ContentsCount() == 1) {
            return c.getFp64Contents(0);
        }
        throw new InvalidInputException(field() + ".contents", "must hold one number");
    }

    private String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(field(), "is not valid UTF-8");
        }
    }

    long integer() {
        requireOne("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");
        String type = in().getDatatype();
        ByteBuffer raw = raw();
        var c = in().getContents();
        if (raw != null) {
            int size = io.llmaos.server.core.tensor.DataType.valueOf(type).byteSize();
            if (raw.remaining() != size) {
                throw new InvalidInputException("raw_input_contents[" + i + "]", "must hold one " + type);
            }
            return switch (size) {
                case 1 -> type.startsWith("U") ? raw.get(0) & 0xff : raw.get(0);
                case 2 -> type.startsWith("U") ? raw.getShort(0) & 0xffff : raw.getShort(0);
                case 4 -> type.startsWith("U") ? raw.getInt(0) & 0xffffffffL : raw.getInt(0);
                default -> raw.getLong(0);
            };
        }
        if (c.getIntContentsCount() == 1) {
            return c.getIntContents(0);
        }
        if (c.getInt64ContentsCount() == 1) {
            return c.getInt64Contents(0);
        }
        if (c.getUintContentsCount() == 1) {
            return c.getUintContents(0) & 0xffffffffL;
        }
        if (c.getUint64ContentsCount() == 1) {
            return c.getUint64Contents(0);
        }
        throw new InvalidInputException(field() + ".contents", "must hold one integer");
    }

    boolean bool() {
        requireOne("BOOL");
        ByteBuffer raw = raw();
        if (raw != null) {
            if (raw.remaining() != 1) {
                throw new InvalidInputException("raw_input_contents[" + i + "]", "must hold one BOOL");
            }
            return raw.get(0) != 0;
        }
        if (in().getContents().getBoolContentsCount() != 1) {
            throw new InvalidInputException(field() + ".contents", "must hold one bool_contents element");
        }
        return in().getContents().getBoolContents(0);
    }
}
