package io.llmaos.server.api.mapping;

import io.llmaos.proto.oip.LogSettingsRequest;
import io.llmaos.proto.oip.LogSettingsResponse;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.runtime.LogControl;
import java.util.Map;

/**
 * Triton's LogSettings to the log's levels and back: log_info, log_warning, log_error (bool),
 * log_verbose_level (uint32), log_format ("default" or "ISO8601") and log_file (only "": the log goes
 * where the process log goes).
 */
public final class LogSettingsMapping {
    private LogSettingsMapping() {}

    /** {@code now} with the request's changes; INVALID_ARGUMENT (and no change) for a bad one. */
    public static LogControl.Levels apply(LogControl.Levels now, LogSettingsRequest request) {
        boolean info = now.info();
        boolean warning = now.warning();
        boolean error = now.error();
        int verbose = now.verbose();
        String format = now.format();
        for (Map.Entry<String, LogSettingsRequest.SettingValue> e :
                request.getSettingsMap().entrySet()) {
            String field = "settings[" + Echo.cut(e.getKey()) + "]";
            LogSettingsRequest.SettingValue v = e.getValue();
            switch (e.getKey()) {
                case "log_info" -> info = bool(v, field);
                case "log_warning" -> warning = bool(v, field);
                case "log_error" -> error = bool(v, field);
                case "log_verbose_level" -> {
                    if (v.getParameterChoiceCase()
                            != LogSettingsRequest.SettingValue.ParameterChoiceCase.UINT32_PARAM) {
                        throw new InvalidInputException(field, "must be a uint32_param");
                    }
                    verbose = v.getUint32Param();
                }
                case "log_format" -> {
                    String f = string(v, field);
                    if (!f.equals("default") && !f.equals("ISO8601")) {
                        throw new InvalidInputException(field, "takes \"default\" or \"ISO8601\"");
                    }
                    format = f;
                }
                case "log_file" -> {
                    if (!string(v, field).isEmpty()) {
                        throw new InvalidInputException(
                                field, "only \"\" is accepted: the log goes where the process log goes");
                    }
                }
                default ->
                    throw new InvalidInputException(
                            field,
                            "is not a log setting (log_info, log_warning, log_error, log_verbose_level, log_format,"
                                    + " log_file)");
            }
        }
        return new LogControl.Levels(info, warning, error, verbose, format);
    }

    public static LogSettingsResponse response(LogControl.Levels l) {
        return LogSettingsResponse.newBuilder()
                .putSettings("log_info", bool(l.info()))
                .putSettings("log_warning", bool(l.warning()))
                .putSettings("log_error", bool(l.error()))
                .putSettings(
                        "log_verbose_level",
                        LogSettingsResponse.SettingValue.newBuilder()
                                .setUint32Param(l.verbose())
                                .build())
                .putSettings(
                        "log_format",
                        LogSettingsResponse.SettingValue.newBuilder()
                                .setStringParam(l.format())
                                .build())
                .putSettings(
                        "log_file",
                        LogSettingsResponse.SettingValue.newBuilder()
                                .setStringParam("")
                                .build())
                .build();
    }

    private static LogSettingsResponse.SettingValue bool(boolean b) {
        return LogSettingsResponse.SettingValue.newBuilder().setBoolParam(b).build();
    }

    private static boolean bool(LogSettingsRequest.SettingValue v, String field) {
        if (v.getParameterChoiceCase() != LogSettingsRequest.SettingValue.ParameterChoiceCase.BOOL_PARAM) {
            throw new InvalidInputException(field, "must be a bool_param");
        }
        return v.getBoolParam();
    }

    private static String string(LogSettingsRequest.SettingValue v, String field) {
        if (v.getParameterChoiceCase() != LogSettingsRequest.SettingValue.ParameterChoiceCase.STRING_PARAM) {
            throw new InvalidInputException(field, "must be a string_param");
        }
        return v.getStringParam();
    }
}
