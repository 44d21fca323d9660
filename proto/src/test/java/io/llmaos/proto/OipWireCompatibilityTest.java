package io.llmaos.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.llmaos.proto.oip.GrpcPredictV2;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire identity of our Open Inference Protocol file to the published KServe v2 spec and
 * Triton's repository extension: package, service, method names and types, and every field's name,
 * number and type. A change here breaks existing v2 clients.
 */
class OipWireCompatibilityTest {
    private static final Map<String, List<String>> FIELDS = Map.ofEntries(
            Map.entry("ServerLiveResponse", List.of("live=1:BOOL")),
            Map.entry("ServerReadyResponse", List.of("ready=1:BOOL")),
            Map.entry("ModelReadyRequest", List.of("name=1:STRING", "version=2:STRING")),
            Map.entry("ModelReadyResponse", List.of("ready=1:BOOL")),
            Map.entry("ServerMetadataResponse", List.of("name=1:STRING", "version=2:STRING", "extensions=3:STRING")),
            Map.entry("ModelMetadataRequest", List.of("name=1:STRING", "version=2:STRING")),
            Map.entry(
                    "ModelMetadataResponse",
                    List.of(
                            "name=1:STRING",
                            "versions=2:STRING",
                            "platform=3:STRING",
                            "inputs=4:MESSAGE",
                            "outputs=5:MESSAGE")),
            Map.entry(
                    "ModelMetadataResponse.TensorMetadata",
                    List.of("name=1:STRING", "datatype=2:STRING", "shape=3:INT64")),
            Map.entry(
                    "ModelInferRequest",
                    List.of(
                            "model_name=1:STRING",
                            "model_version=2:STRING",
                            "id=3:STRING",
                            "parameters=4:MESSAGE",
                            "inputs=5:MESSAGE",
                            "outputs=6:MESSAGE",
                            "raw_input_contents=7:BYTES")),
            Map.entry(
                    "ModelInferRequest.InferInputTensor",
                    List.of(
                            "name=1:STRING",
                            "datatype=2:STRING",
                            "shape=3:INT64",
                            "parameters=4:MESSAGE",
                            "contents=5:MESSAGE")),
            Map.entry("ModelInferRequest.InferRequestedOutputTensor", List.of("name=1:STRING", "parameters=2:MESSAGE")),
            Map.entry(
                    "ModelInferResponse",
                    List.of(
                            "model_name=1:STRING",
                            "model_version=2:STRING",
                            "id=3:STRING",
                            "parameters=4:MESSAGE",
                            "outputs=5:MESSAGE",
                            "raw_output_contents=6:BYTES")),
            Map.entry(
                    "ModelInferResponse.InferOutputTensor",
                    List.of(
                            "name=1:STRING",
                            "datatype=2:STRING",
                            "shape=3:INT64",
                            "parameters=4:MESSAGE",
                            "contents=5:MESSAGE")),
            Map.entry(
                    "InferParameter",
                    List.of(
                            "bool_param=1:BOOL",
                            "int64_param=2:INT64",
                            "string_param=3:STRING",
                            "double_param=4:DOUBLE",
                            "uint64_param=5:UINT64")),
            Map.entry(
                    "InferTensorContents",
                    List.of(
                            "bool_contents=1:BOOL",
                            "int_contents=2:INT32",
                            "int64_contents=3:INT64",
                            "uint_contents=4:UINT32",
                            "uint64_contents=5:UINT64",
                            "fp32_contents=6:FLOAT",
                            "fp64_contents=7:DOUBLE",
                            "bytes_contents=8:BYTES")),
            Map.entry(
                    "ModelRepositoryParameter",
                    List.of(
                            "bool_param=1:BOOL",
                            "int64_param=2:INT64",
                            "string_param=3:STRING",
                            "bytes_param=4:BYTES")),
            Map.entry("RepositoryIndexRequest", List.of("repository_name=1:STRING", "ready=2:BOOL")),
            Map.entry("RepositoryIndexResponse", List.of("models=1:MESSAGE")),
            Map.entry(
                    "RepositoryIndexResponse.ModelIndex",
                    List.of("name=1:STRING", "version=2:STRING", "state=3:STRING", "reason=4:STRING")),
            Map.entry(
                    "RepositoryModelLoadRequest",
                    List.of("repository_name=1:STRING", "model_name=2:STRING", "parameters=3:MESSAGE")),
            Map.entry(
                    "RepositoryModelUnloadRequest",
                    List.of("repository_name=1:STRING", "model_name=2:STRING", "parameters=3:MESSAGE")));

    @Test
    void everyMessageHasTheSpecFieldsAndNoOthers() {
        assertEquals("inference", GrpcPredictV2.getDescriptor().getPackage());
        assertFields(FIELDS, GrpcPredictV2.getDescriptor());
    }

    /** Asserts each message of {@code file} named in {@code fields} has exactly those fields, in order. */
    static void assertFields(Map<String, List<String>> fields, com.google.protobuf.Descriptors.FileDescriptor file) {
        fields.forEach((name, expected) -> {
            Descriptor message = find(file, name);
            List<String> actual = message.getFields().stream()
                    .map(OipWireCompatibilityTest::describe)
                    .toList();
            assertEquals(expected, actual, name);
        });
    }

    @Test
    void theServiceHasTheSpecMethods() {
        ServiceDescriptor service = GrpcPredictV2.getDescriptor().findServiceByName("GRPCInferenceService");
        assertNotNull(service);
        assertEquals("inference.GRPCInferenceService", service.getFullName());
        List<String> methods = service.getMethods().stream()
                .map(m -> m.getName() + "(" + m.getInputType().getName() + ")"
                        + m.getOutputType().getName()
                        + (m.isClientStreaming() || m.isServerStreaming() ? " streaming" : ""))
                .toList();
        assertEquals(
                List.of(
                        "ServerLive(ServerLiveRequest)ServerLiveResponse",
                        "ServerReady(ServerReadyRequest)ServerReadyResponse",
                        "ModelReady(ModelReadyRequest)ModelReadyResponse",
                        "ServerMetadata(ServerMetadataRequest)ServerMetadataResponse",
                        "ModelMetadata(ModelMetadataRequest)ModelMetadataResponse",
                        "ModelInfer(ModelInferRequest)ModelInferResponse",
                        "ModelStreamInfer(ModelInferRequest)ModelStreamInferResponse streaming",
                        "ModelConfig(ModelConfigRequest)ModelConfigResponse",
                        "ModelStatistics(ModelStatisticsRequest)ModelStatisticsResponse",
                        "RepositoryIndex(RepositoryIndexRequest)RepositoryIndexResponse",
                        "RepositoryModelLoad(RepositoryModelLoadRequest)RepositoryModelLoadResponse",
                        "RepositoryModelUnload(RepositoryModelUnloadRequest)RepositoryModelUnloadResponse",
                        "SystemSharedMemoryStatus(SystemSharedMemoryStatusRequest)SystemSharedMemoryStatusResponse",
                        "SystemSharedMemoryRegister(SystemSharedMemoryRegisterRequest)"
                                + "SystemSharedMemoryRegisterResponse",
                        "SystemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest)"
                                + "SystemSharedMemoryUnregisterResponse",
                        "CudaSharedMemoryStatus(CudaSharedMemoryStatusRequest)CudaSharedMemoryStatusResponse",
                        "CudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest)CudaSharedMemoryRegisterResponse",
                        "CudaSharedMemoryUnregister(CudaSharedMemoryUnregisterRequest)"
                                + "CudaSharedMemoryUnregisterResponse",
                        "TraceSetting(TraceSettingRequest)TraceSettingResponse",
                        "LogSettings(LogSettingsRequest)LogSettingsResponse"),
                methods);
    }

    private static Descriptor find(com.google.protobuf.Descriptors.FileDescriptor file, String dotted) {
        String[] parts = dotted.split("\\.");
        Descriptor d = file.findMessageTypeByName(parts[0]);
        for (int i = 1; d != null && i < parts.length; i++) {
            d = d.findNestedTypeByName(parts[i]);
        }
        assertNotNull(d, dotted);
        return d;
    }

    static String describe(FieldDescriptor f) {
        return f.getName() + "=" + f.getNumber() + ":" + f.getType();
    }
}
