package io.llmaos.server.core.request;

import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * The one place that says what a model name and a tenant name may be, for every layer that checks
 * one (the repository's folders, the settings, the API's headers, scheduling policies).
 */
public final class Names {
    /** Model names: also the folder names of the repository. */
    public static final String MODEL_RULE = "model names are 1-128 characters of [A-Za-z0-9._-] and not '.' or '..'";
    /** Tenant names, as sent in {@code x-llmaos-tenant}. */
    public static final String TENANT_RULE = "tenant names are 1-64 characters of [A-Za-z0-9._:@-]";

    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    private Names() {}

    public static boolean isModelName(String name) {
        return name != null && MODEL.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** Throws INVALID_ARGUMENT on {@code field} unless {@code name} is a model name. */
    public static void requireModelName(String field, String name) {
        if (!isModelName(name)) {
            throw new InvalidInputException(field, MODEL_RULE + ", got '" + Echo.cut(name) + "'");
        }
    }

    public static boolean isTenant(String name) {
        return name != null && TENANT.matcher(name).matches();
    }
}
