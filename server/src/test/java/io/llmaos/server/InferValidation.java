package io.llmaos.server;

import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;

/** Ready-made requests for the demo models. */
public final class InferValidation {
    private InferValidation() {
    }

    /** One row for a copy of {@code tf-dense} named {@code model}. */
    public static InferRequest denseRequest(String model) {
        return InferRequest.newBuilder().setModelName(model).addInputs(Tensor.newBuilder().setName("x")
                .setDatatype(DataType.FP32).addShape(1).addShape(4)
                .setContents(TensorContents.newBuilder().addFp32Contents(1).addFp32Contents(2).addFp32Contents(3)
                        .addFp32Contents(4))).build();
    }
}
