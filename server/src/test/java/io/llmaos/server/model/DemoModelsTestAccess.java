package io.llmaos.server.model;

import com.google.protobuf.ByteString;
import java.util.List;

/** Lets tests in other packages read raw FP32 outputs the way DemoModelsTest does. */
public final class DemoModelsTestAccess {
    private DemoModelsTestAccess() {}

    public static List<Float> floats(ByteString raw) {
        return DemoModelsTest.floats(raw);
    }
}
