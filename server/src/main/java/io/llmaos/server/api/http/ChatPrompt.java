package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmaos.proto.v1.ChatTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chat's messages written as one prompt by the model's {@link ChatTemplate} (its config's
 * {@code generation.chat_template}): each message in its role's format ({@code {content}} and
 * {@code {role}} replaced), then the generation prompt. Without a template, or for a role it does not
 * name: {@code "{Role}: {content}\n\n"}, then {@code "Assistant:"}, and the chat stops at the next
 * {@code "\nUser:"}. A message's content is a string or a list of text parts ({@code {"type": "text",
 * "text": ...}}); other parts (images, audio) are refused.
 *
 * @param text the prompt
 * @param stop the stop sequences the template adds
 */
record ChatPrompt(String text, List<String> stop) {
    static final String DEFAULT_GENERATION_PROMPT = "Assistant:";
    static final String DEFAULT_STOP = "\nUser:";

    /** The prompt of {@code messages} under {@code template} (null or empty: the default). */
    static ChatPrompt of(JsonNode messages, ChatTemplate template) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw OpenAiError.invalid("messages", "messages is a non-empty list of {role, content}");
        }
        boolean custom = template != null
                && (!template.getMessageFormatsMap().isEmpty()
                        || !template.getGenerationPrompt().isEmpty());
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            if (role.isEmpty()) {
                throw OpenAiError.invalid("messages[" + i + "].role", "each message has a role");
            }
            String content = content(m.path("content"), "messages[" + i + "].content");
            String format = custom ? template.getMessageFormatsMap().get(role) : null;
            if (format == null) {
                format = capitalised(role) + ": {content}\n\n";
            }
            prompt.append(format.replace("{role}", role).replace("{content}", content));
        }
        List<String> stop = new ArrayList<>();
        if (custom) {
            prompt.append(template.getGenerationPrompt());
            stop.addAll(template.getStopList());
        } else {
            prompt.append(DEFAULT_GENERATION_PROMPT);
            stop.add(DEFAULT_STOP);
        }
        return new ChatPrompt(prompt.toString(), List.copyOf(stop));
    }

    private static String content(JsonNode content, String where) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (!content.isArray()) {
            throw OpenAiError.invalid(where, "content is a string or a list of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw OpenAiError.invalid(
                        where,
                        "only text parts are supported (" + part.path("type").asText("?") + " is not)");
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    private static String capitalised(String role) {
        return role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
    }
}
