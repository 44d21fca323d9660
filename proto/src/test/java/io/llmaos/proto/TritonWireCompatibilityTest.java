package io.llmaos.proto;

import static io.llmaos.proto.OipWireCompatibilityTest.assertFields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.EnumDescriptor;
import io.llmaos.proto.oip.GrpcPredictV2;
import io.llmaos.proto.oip.TritonModelConfigProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the messages of Triton's extensions (grpc_service.proto: streaming, configuration, statistics,
 * shared memory, trace and log settings; model_config.proto: the configuration messages we share) to
 * Triton's names, numbers and types, as Triton's clients encode them.
 */
class TritonWireCompatibilityTest {
    private static final String DURATION = "StatisticDuration";

    private static final Map<String, List<String>> SERVICE_MESSAGES = Map.ofEntries(
            Map.entry("ModelStreamInferResponse", List.of("error_message=1:STRING", "infer_response=2:MESSAGE")),
            Map.entry("ModelConfigRequest", List.of("name=1:STRING", "version=2:STRING")),
            Map.entry("ModelConfigResponse", List.of("config=1:MESSAGE")),
            Map.entry("ModelStatisticsRequest", List.of("name=1:STRING", "version=2:STRING")),
            Map.entry(DURATION, List.of("count=1:UINT64", "ns=2:UINT64")),
            Map.entry(
                    "InferStatistics",
                    List.of(
                            "success=1:MESSAGE",
                            "fail=2:MESSAGE",
                            "queue=3:MESSAGE",
                            "compute_input=4:MESSAGE",
                            "compute_infer=5:MESSAGE",
                            "compute_output=6:MESSAGE",
                            "cache_hit=7:MESSAGE",
                            "cache_miss=8:MESSAGE")),
            Map.entry(
                    "InferResponseStatistics",
                    List.of(
                            "compute_infer=1:MESSAGE",
                            "compute_output=2:MESSAGE",
                            "success=3:MESSAGE",
                            "fail=4:MESSAGE",
                            "empty_response=5:MESSAGE",
                            "cancel=6:MESSAGE")),
            Map.entry(
                    "InferBatchStatistics",
                    List.of(
                            "batch_size=1:UINT64",
                            "compute_input=2:MESSAGE",
                            "compute_infer=3:MESSAGE",
                            "compute_output=4:MESSAGE")),
            Map.entry("MemoryUsage", List.of("type=1:STRING", "id=2:INT64", "byte_size=3:UINT64")),
            Map.entry(
                    "ModelStatistics",
                    List.of(
                            "name=1:STRING",
                            "version=2:STRING",
                            "last_inference=3:UINT64",
                            "inference_count=4:UINT64",
                            "execution_count=5:UINT64",
                            "inference_stats=6:MESSAGE",
                            "batch_stats=7:MESSAGE",
                            "memory_usage=8:MESSAGE",
                            "response_stats=9:MESSAGE")),
            Map.entry("ModelStatisticsResponse", List.of("model_stats=1:MESSAGE")),
            Map.entry("SystemSharedMemoryStatusRequest", List.of("name=1:STRING")),
            Map.entry("SystemSharedMemoryStatusResponse", List.of("regions=1:MESSAGE")),
            Map.entry(
                    "SystemSharedMemoryStatusResponse.RegionStatus",
                    List.of("name=1:STRING", "key=2:STRING", "offset=3:UINT64", "byte_size=4:UINT64")),
            Map.entry(
                    "SystemSharedMemoryRegisterRequest",
                    List.of("name=1:STRING", "key=2:STRING", "offset=3:UINT64", "byte_size=4:UINT64")),
            Map.entry("SystemSharedMemoryUnregisterRequest", List.of("name=1:STRING")),
            Map.entry("CudaSharedMemoryStatusRequest", List.of("name=1:STRING")),
            Map.entry(
                    "CudaSharedMemoryStatusResponse.RegionStatus",
                    List.of("name=1:STRING", "device_id=2:UINT64", "byte_size=3:UINT64")),
            Map.entry(
                    "CudaSharedMemoryRegisterRequest",
                    List.of("name=1:STRING", "raw_handle=2:BYTES", "device_id=3:INT64", "byte_size=4:UINT64")),
            Map.entry("CudaSharedMemoryUnregisterRequest", List.of("name=1:STRING")),
            Map.entry("TraceSettingRequest", List.of("settings=1:MESSAGE", "model_name=2:STRING")),
            Map.entry("TraceSettingRequest.SettingValue", List.of("value=1:STRING")),
            Map.entry("TraceSettingResponse", List.of("settings=1:MESSAGE")),
            Map.entry("TraceSettingResponse.SettingValue", List.of("value=1:STRING")),
            Map.entry("LogSettingsRequest", List.of("settings=1:MESSAGE")),
            Map.entry(
                    "LogSettingsRequest.SettingValue",
                    List.of("bool_param=1:BOOL", "uint32_param=2:UINT32", "string_param=3:STRING")),
            Map.entry("LogSettingsResponse", List.of("settings=1:MESSAGE")),
            Map.entry(
                    "LogSettingsResponse.SettingValue",
                    List.of("bool_param=1:BOOL", "uint32_param=2:UINT32", "string_param=3:STRING")));

    private static final Map<String, List<String>> CONFIG_MESSAGES = Map.ofEntries(
            Map.entry(
                    "ModelInstanceGroup",
                    List.of("name=1:STRING", "kind=4:ENUM", "count=2:INT32", "gpus=3:INT32", "passive=7:BOOL")),
            Map.entry("ModelInput", List.of("name=1:STRING", "data_type=2:ENUM", "dims=4:INT64", "optional=8:BOOL")),
            Map.entry(
                    "ModelOutput",
                    List.of("name=1:STRING", "data_type=2:ENUM", "dims=3:INT64", "label_filename=4:STRING")),
            Map.entry("ModelVersionPolicy", List.of("latest=1:MESSAGE", "all=2:MESSAGE", "specific=3:MESSAGE")),
            Map.entry("ModelVersionPolicy.Latest", List.of("num_versions=1:UINT32")),
            Map.entry("ModelVersionPolicy.Specific", List.of("versions=1:INT64")),
            Map.entry(
                    "ModelQueuePolicy",
                    List.of(
                            "timeout_action=1:ENUM",
                            "default_timeout_microseconds=2:UINT64",
                            "allow_timeout_override=3:BOOL",
                            "max_queue_size=4:UINT32")),
            Map.entry(
                    "ModelDynamicBatching",
                    List.of(
                            "preferred_batch_size=1:INT32",
                            "max_queue_delay_microseconds=2:UINT64",
                            "preserve_ordering=3:BOOL",
                            "priority_levels=4:UINT32",
                            "default_priority_level=5:UINT32",
                            "default_queue_policy=6:MESSAGE",
                            "priority_queue_policy=7:MESSAGE")),
            Map.entry("ModelParameter", List.of("string_value=1:STRING")),
            Map.entry("ModelTransactionPolicy", List.of("decoupled=1:BOOL")),
            Map.entry(
                    "ModelConfig",
                    List.of(
                            "name=1:STRING",
                            "platform=2:STRING",
                            "backend=17:STRING",
                            "version_policy=3:MESSAGE",
                            "max_batch_size=4:INT32",
                            "input=5:MESSAGE",
                            "output=6:MESSAGE",
                            "dynamic_batching=11:MESSAGE",
                            "instance_group=7:MESSAGE",
                            "default_model_filename=8:STRING",
                            "parameters=14:MESSAGE",
                            "model_transaction_policy=19:MESSAGE")));

    @Test
    void theExtensionMessagesHaveTritonsFields() {
        assertFields(SERVICE_MESSAGES, GrpcPredictV2.getDescriptor());
    }

    @Test
    void theConfigurationMessagesHaveTritonsFields() {
        assertEquals("inference", TritonModelConfigProto.getDescriptor().getPackage());
        assertFields(CONFIG_MESSAGES, TritonModelConfigProto.getDescriptor());
    }

    @Test
    void theEnumsHaveTritonsValues() {
        assertEquals(
                List.of(
                        "TYPE_INVALID=0",
                        "TYPE_BOOL=1",
                        "TYPE_UINT8=2",
                        "TYPE_UINT16=3",
                        "TYPE_UINT32=4",
                        "TYPE_UINT64=5",
                        "TYPE_INT8=6",
                        "TYPE_INT16=7",
                        "TYPE_INT32=8",
                        "TYPE_INT64=9",
                        "TYPE_FP16=10",
                        "TYPE_FP32=11",
                        "TYPE_FP64=12",
                        "TYPE_STRING=13",
                        "TYPE_BF16=14"),
                values(TritonModelConfigProto.getDescriptor().findEnumTypeByName("DataType")));
        var config = TritonModelConfigProto.getDescriptor();
        assertEquals(
                List.of("KIND_AUTO=0", "KIND_GPU=1", "KIND_CPU=2", "KIND_MODEL=3"),
                values(config.findMessageTypeByName("ModelInstanceGroup").findEnumTypeByName("Kind")));
        assertEquals(
                List.of("REJECT=0", "DELAY=1"),
                values(config.findMessageTypeByName("ModelQueuePolicy").findEnumTypeByName("TimeoutAction")));
    }

    private static List<String> values(EnumDescriptor e) {
        return e.getValues().stream()
                .map(v -> v.getName() + "=" + v.getNumber())
                .toList();
    }
}
