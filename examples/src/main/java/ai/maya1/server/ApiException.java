package ai.maya1.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP error with the server's stable JSON shape (the one OpenAI clients parse):
 * <pre>{"error": {"message": "...", "type": "invalid_request_error", "param": "voice", "code": "unknown_voice"}}</pre>
 * {@code param} is null when no single field is at fault. {@code type} is one of {@code invalid_request_error},
 * {@code authentication_error}, {@code rate_limit_error}, {@code server_error}; {@code code} is a stable machine
 * word per cause.
 */
public final class ApiException extends RuntimeException {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final long retryAfterSeconds;

    public ApiException(int status, String type, String code, String param, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", code, param, message, 0);
    }

    public static ApiException unauthorized(String code, String message) {
        return new ApiException(401, "authentication_error", code, null, message, 0);
    }

    public static ApiException rateLimited(long retryAfterSeconds) {
        return new ApiException(429, "rate_limit_error", "rate_limit_exceeded", null,
                "rate limit reached for this key; retry after " + retryAfterSeconds + " s", retryAfterSeconds);
    }

    public static ApiException overloaded(String message) {
        return new ApiException(503, "server_error", "server_overloaded", null, message, 1);
    }

    public static ApiException notReady(String message) {
        return new ApiException(503, "server_error", "model_not_ready", null, message, 5);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "invalid_request_error", "request_too_large", null, message, 0);
    }

    public static ApiException timeout(String message) {
        return new ApiException(504, "server_error", "timeout", null, message, 0);
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "server_error", "internal_error", null, message, 0);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** Seconds for a {@code Retry-After} header, 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The JSON body. */
    public byte[] toJson() {
        return json(getMessage(), type, param, code);
    }

    /** The error as an event of a server-sent-event stream: {@code data: {"type":"error","error":{...}}}. */
    public byte[] toSseEvent() {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "error");
        fill(root.putObject("error"), getMessage(), type, param, code);
        return ("data: " + root + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] json(String message, String type, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        fill(root.putObject("error"), message, type, param, code);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void fill(ObjectNode e, String message, String type, String param, String code) {
        e.put("message", message);
        e.put("type", type);
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        e.put("code", code);
    }
}
