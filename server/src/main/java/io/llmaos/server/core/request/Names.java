package io.llmaos.server.core.request;

import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.InvalidInputException;

/**
 * The one place that says what a model name and a tenant name may be, for every layer that checks
 * one (the repository's folders, the settings, the API's headers, scheduling policies).
 */
public final class Names {
    /** Model names: also the folder names of the repository. */
    public static final String MODEL_RULE = "model names are 1-128 characters of [A-Za-z0-9._-] and not '.' or '..'";
    /** Tenant names, as sent in {@code x-llmaos-tenant}. */
    public static final String TENANT_RULE = "tenant names are 1-64 characters of [A-Za-z0-9._:@-]";

    private Names() {}

    public static boolean isModelName(String name) {
        return consistsOf(name, 128, "._-") && !name.equals(".") && !name.equals("..");
    }

    /** Throws INVALID_ARGUMENT on {@code field} unless {@code name} is a model name. */
    public static void requireModelName(String field, String name) {
        if (!isModelName(name)) {
            throw new InvalidInputException(field, MODEL_RULE + ", got '" + Echo.cut(name) + "'");
        }
    }

    public static boolean isTenant(String name) {
        return consistsOf(name, 64, "._:@-");
    }

    /**
     * Whether {@code name} is 1 to {@code max} characters of ASCII letters, digits and {@code others}
     * (checked on every request: no regular expression).
     */
    private static boolean consistsOf(String name, int max, String others) {
        if (name == null || name.isEmpty() || name.length() > max) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || others.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
