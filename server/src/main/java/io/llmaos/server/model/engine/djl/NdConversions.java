package io.llmaos.server.model.engine.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.tensor.DataType;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.core.tensor.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Core tensors to DJL arrays and back. Outputs are copied out of engine memory. */
final class NdConversions {
    private NdConversions() {}

    /** An array in {@code manager} holding {@code tensor}'s elements. */
    static NDArray toNd(NDManager manager, Tensor tensor) {
        if (!tensor.type().isFixedSize()) {
            throw new LlmaosException(
                    ErrorCode.FAILED_PRECONDITION,
                    "input '" + tensor.name()
                            + "': BYTES inputs are only accepted by text models (EMBEDDING, GENERATIVE)");
        }
        ByteBuffer data = tensor.data();
        ByteBuffer direct = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
        direct.put(data).flip();
        return manager.create(direct, new Shape(tensor.shape()), toDjl(tensor.type()));
    }

    /** The outputs as core tensors, named by the declared outputs in order ("output_N" beyond them). */
    static List<Tensor> fromNd(NDList outputs, List<TensorSpec> declared) {
        List<Tensor> result = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            NDArray array = outputs.get(i);
            String name = i < declared.size() ? declared.get(i).name() : "output_" + i;
            result.add(fromNd(name, array));
        }
        return result;
    }

    /** One array as a core tensor named {@code name}. */
    static Tensor fromNd(String name, NDArray array) {
        DataType type = fromDjl(array.getDataType());
        ByteBuffer source = array.toByteBuffer();
        ByteBuffer copy = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(source.order(ByteOrder.nativeOrder())).flip();
        return Tensor.of(name, type, array.getShape().getShape(), copy);
    }

    static ai.djl.ndarray.types.DataType toDjl(DataType type) {
        return switch (type) {
            case BOOL -> ai.djl.ndarray.types.DataType.BOOLEAN;
            case UINT8 -> ai.djl.ndarray.types.DataType.UINT8;
            case UINT16 -> ai.djl.ndarray.types.DataType.UINT16;
            case UINT32 -> ai.djl.ndarray.types.DataType.UINT32;
            case UINT64 -> ai.djl.ndarray.types.DataType.UINT64;
            case INT8 -> ai.djl.ndarray.types.DataType.INT8;
            case INT16 -> ai.djl.ndarray.types.DataType.INT16;
            case INT32 -> ai.djl.ndarray.types.DataType.INT32;
            case INT64 -> ai.djl.ndarray.types.DataType.INT64;
            case FP16 -> ai.djl.ndarray.types.DataType.FLOAT16;
            case BF16 -> ai.djl.ndarray.types.DataType.BFLOAT16;
            case FP32 -> ai.djl.ndarray.types.DataType.FLOAT32;
            case FP64 -> ai.djl.ndarray.types.DataType.FLOAT64;
            case BYTES -> ai.djl.ndarray.types.DataType.STRING;
        };
    }

    static DataType fromDjl(ai.djl.ndarray.types.DataType type) {
        return switch (type) {
            case BOOLEAN -> DataType.BOOL;
            case UINT8 -> DataType.UINT8;
            case UINT16 -> DataType.UINT16;
            case UINT32 -> DataType.UINT32;
            case UINT64 -> DataType.UINT64;
            case INT8 -> DataType.INT8;
            case INT16 -> DataType.INT16;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case FLOAT16 -> DataType.FP16;
            case BFLOAT16 -> DataType.BF16;
            case FLOAT32 -> DataType.FP32;
            case FLOAT64 -> DataType.FP64;
            default ->
                throw new LlmaosException(
                        ErrorCode.ENGINE_FAILURE, "the engine returned an output of unsupported type " + type);
        };
    }
}
