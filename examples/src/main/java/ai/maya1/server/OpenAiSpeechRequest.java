package ai.maya1.server;

import ai.maya1.audio.AudioFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated body of {@code POST /v1/audio/speech} (OpenAI's speech API plus the {@code seed} extension).
 *
 * @param model          accepted model name as sent
 * @param input          text to speak, with Maya1 emotion tags allowed
 * @param voicePreset    resolved preset name
 * @param instructions   free Maya1 voice description replacing the preset's, or null
 * @param format         audio encoding
 * @param sse            {@code stream_format=sse}: server-sent events with base64 audio deltas
 * @param seed           the request's seed, or null
 */
public record OpenAiSpeechRequest(String model, String input, String voicePreset, String instructions, AudioFormat format,
                                  boolean sse, Long seed) {

    /** Model names accepted (all served by the one loaded model). */
    public static final Set<String> MODELS = Set.of("maya1", "maya-research/maya1", "tts-1", "tts-1-hd", "gpt-4o-mini-tts");

    private static final Set<String> FIELDS = Set.of("model", "input", "voice", "instructions", "response_format", "speed",
            "stream_format", "seed");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses and validates; every problem is a 400 naming the field. */
    public static OpenAiSpeechRequest parse(byte[] body, VoiceCatalog voices, ServerConfig limits, boolean mp3Available) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(null, "invalid_json", "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest(null, "invalid_json", "request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest(null, "invalid_json", "request body must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest(name, "unknown_parameter", "unknown parameter '" + clip(name) + "'");
            }
        }
        String model = text(root, "model", true);
        if (!MODELS.contains(model)) {
            throw new ApiException(400, "invalid_request_error", "model_not_found", "model",
                    "model '" + clip(model) + "' is not served here; use one of " + new java.util.TreeSet<>(MODELS), 0);
        }
        String input = text(root, "input", true);
        if (input.isBlank()) {
            throw ApiException.badRequest("input", "empty_input", "input is empty");
        }
        if (input.length() > limits.maxInputChars()) {
            throw ApiException.badRequest("input", "input_too_long",
                    "input has " + input.length() + " characters, more than the limit of " + limits.maxInputChars());
        }
        String voiceName = root.has("voice") ? text(root, "voice", true) : "alloy";
        String preset = voices.resolve(voiceName).orElseThrow(() -> ApiException.badRequest("voice", "unknown_voice",
                "unknown voice '" + clip(voiceName) + "'; GET /v1/audio/voices lists the voices"));
        String instructions = root.has("instructions") && !root.get("instructions").isNull() ? text(root, "instructions", false) : null;
        if (instructions != null) {
            if (instructions.isBlank()) {
                instructions = null;
            } else if (instructions.length() > limits.maxInstructionsChars()) {
                throw ApiException.badRequest("instructions", "instructions_too_long",
                        "instructions have " + instructions.length() + " characters, more than the limit of " + limits.maxInstructionsChars());
            }
        }
        String fmt = root.has("response_format") ? text(root, "response_format", false).toLowerCase(Locale.ROOT) : "mp3";
        AudioFormat format = switch (fmt) {
            case "wav" -> AudioFormat.WAV;
            case "pcm" -> AudioFormat.PCM_S16LE;
            case "mp3" -> {
                if (!mp3Available) {
                    throw ApiException.badRequest("response_format", "unsupported_format",
                            "response_format mp3 needs the jump3r library on the server's class path; use wav or pcm");
                }
                yield AudioFormat.MP3;
            }
            case "opus", "flac", "aac" -> throw ApiException.badRequest("response_format", "unsupported_format",
                    "response_format " + fmt + " is not supported by this server (no pure-Java " + fmt
                            + " encoder is bundled); use wav, mp3 or pcm (24 kHz s16le), or ulaw/alaw for telephony");
            case "ulaw", "mulaw", "alaw", "wav16k", "pcm16k" -> AudioFormat.parse(fmt);
            default -> throw ApiException.badRequest("response_format", "unsupported_format",
                    "unknown response_format '" + clip(fmt) + "'; use wav, mp3, pcm, ulaw, alaw, wav16k or pcm16k");
        };
        if (root.has("speed") && !root.get("speed").isNull()) {
            JsonNode s = root.get("speed");
            if (!s.isNumber()) {
                throw ApiException.badRequest("speed", "invalid_type", "speed must be a number");
            }
            if (s.asDouble() != 1.0) {
                throw ApiException.badRequest("speed", "unsupported_parameter",
                        "speed " + s.asDouble() + " is not supported: Maya1 has no speaking-rate control; omit speed or send 1.0"
                                + " (a slower or faster pace can be asked for in instructions)");
            }
        }
        boolean sse = false;
        if (root.has("stream_format") && !root.get("stream_format").isNull()) {
            String sf = text(root, "stream_format", false).toLowerCase(Locale.ROOT);
            sse = switch (sf) {
                case "audio" -> false;
                case "sse" -> true;
                default -> throw ApiException.badRequest("stream_format", "unsupported_stream_format",
                        "stream_format must be audio or sse, got '" + clip(sf) + "'");
            };
        }
        Long seed = limits.defaultSeed();
        if (root.has("seed") && !root.get("seed").isNull()) {
            JsonNode s = root.get("seed");
            if (!s.canConvertToLong() || !s.isIntegralNumber()) {
                throw ApiException.badRequest("seed", "invalid_type", "seed must be an integer");
            }
            seed = s.asLong();
        }
        return new OpenAiSpeechRequest(model, input, preset, instructions, format, sse, seed);
    }

    private static String text(JsonNode root, String field, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiException.badRequest(field, "missing_parameter", field + " is required");
            }
            return "";
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field, "invalid_type", field + " must be a string");
        }
        return n.textValue();
    }

    private static String clip(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
