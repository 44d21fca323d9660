package io.llmaos.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.RequestedOutput;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import io.llmaos.server.DemoServer;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Malformed inference requests get INVALID_ARGUMENT naming each bad field, and the server goes on. */
class InferValidationTest {
    @RegisterExtension
    static final DemoServer demo = new DemoServer("tf-dense", "dense");

    private static Tensor.Builder x(long... shape) {
        Tensor.Builder t = Tensor.newBuilder().setName("x").setDatatype(DataType.FP32);
        long n = 1;
        for (long d : shape) {
            t.addShape(d);
            n *= d;
        }
        TensorContents.Builder c = TensorContents.newBuilder();
        for (int i = 0; i < n; i++) {
            c.addFp32Contents(i);
        }
        return t.setContents(c);
    }

    private static InferRequest request(Tensor.Builder... inputs) {
        InferRequest.Builder r = InferRequest.newBuilder().setModelName("dense");
        for (Tensor.Builder t : inputs) {
            r.addInputs(t);
        }
        return r.build();
    }

    @Test
    void aValidRequestWorks() {
        assertEquals(
                List.of(2L, 3L),
                demo.get().inference().infer(request(x(2, 4))).getOutputs(0).getShapeList());
    }

    @Test
    void eachBadTensorGetsItsFieldViolation() {
        invalid(
                () -> demo.get().inference().infer(request(x(2, 4).setName("y"))),
                "inputs[0].name",
                "unknown input 'y'");
        invalid(() -> demo.get().inference().infer(request()), "inputs", "missing input 'x'");
        invalid(
                () -> demo.get().inference().infer(request(x(2, 4).setDatatype(DataType.FP64))),
                "inputs[0].datatype",
                "FP64");
        invalid(
                () -> demo.get().inference().infer(request(x(2, 4).setDatatype(DataType.DATA_TYPE_UNSPECIFIED))),
                "inputs[0].datatype",
                "required");
        invalid(() -> demo.get().inference().infer(request(x(8))), "inputs[0].shape", "rank");
        invalid(() -> demo.get().inference().infer(request(x(2, 5))), "inputs[0].shape[1]", "needs 4");
        invalid(() -> demo.get().inference().infer(request(x(65, 4))), "inputs[0].shape[0]", "max_batch_size");
        invalid(
                () -> demo.get()
                        .inference()
                        .infer(request(x(2, 4).clearShape().addShape(3).addShape(4))),
                "inputs[0].contents.fp32_contents",
                "has 8 values");
        invalid(
                () -> demo.get()
                        .inference()
                        .infer(request(x(2, 4).clearContents().setRawContents(ByteString.copyFrom(new byte[7])))),
                "inputs[0].raw_contents",
                "needs 32");
        invalid(
                () -> demo.get()
                        .inference()
                        .infer(request(
                                x(2, 4).setContents(TensorContents.newBuilder().addInt64Contents(1)))),
                "inputs[0].contents.int64_contents",
                "FP32");
        invalid(() -> demo.get().inference().infer(request(x(-1, 4))), "inputs[0].shape[0]", "at least 1");
        invalid(() -> demo.get().inference().infer(request(x(2, 4), x(2, 4))), "inputs[1].name", "twice");
        invalid(
                () -> demo.get()
                        .inference()
                        .infer(request(Tensor.newBuilder()
                                .setName("x")
                                .setDatatype(DataType.FP32)
                                .addShape(1 << 20)
                                .addShape(1 << 20))),
                "inputs[0].shape",
                "elements");
        invalid(
                () -> demo.get()
                        .inference()
                        .infer(request(x(2, 4)).toBuilder()
                                .addOutputs(RequestedOutput.newBuilder().setName("z"))
                                .build()),
                "outputs[0].name",
                "unknown output 'z'");
        invalid(
                () -> demo.get()
                        .oip()
                        .modelInfer(ModelInferRequest.newBuilder()
                                .setModelName("dense")
                                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FLOAT32")
                                        .addShape(1)
                                        .addShape(4))
                                .build()),
                "inputs[0].datatype",
                "unknown datatype 'FLOAT32'");
        invalid(
                () -> demo.get()
                        .oip()
                        .modelInfer(ModelInferRequest.newBuilder()
                                .setModelName("dense")
                                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(1)
                                        .addShape(4))
                                .addRawInputContents(ByteString.copyFrom(new byte[15]))
                                .build()),
                "inputs[0].raw_contents",
                "needs 16");
        aValidRequestWorks();
    }

    private static void invalid(Supplier<?> call, String field, String says) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
        assertEquals(
                Status.Code.INVALID_ARGUMENT,
                e.getStatus().getCode(),
                e.getStatus().toString());
        BadRequest bad = null;
        for (Any any : StatusProto.fromThrowable(e).getDetailsList()) {
            if (any.is(BadRequest.class)) {
                try {
                    bad = any.unpack(BadRequest.class);
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        assertTrue(bad != null, "no BadRequest in " + e.getStatus());
        assertTrue(
                bad.getFieldViolationsList().stream()
                        .anyMatch(v ->
                                v.getField().equals(field) && v.getDescription().contains(says)),
                field + " / " + says + " not in " + bad);
    }
}
