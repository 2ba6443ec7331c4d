package ai.maya1.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hub settings resolved from the environment exactly as {@code huggingface_hub.constants} does:
 * <ul>
 *   <li>{@code HF_HOME}, default {@code $XDG_CACHE_HOME/huggingface}, default {@code ~/.cache/huggingface};</li>
 *   <li>hub cache {@code HF_HUB_CACHE}, else legacy {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub};</li>
 *   <li>token {@code HF_TOKEN}, else legacy {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code HF_TOKEN_PATH}
 *       (default {@code $HF_HOME/token}), stripped, empty meaning none;</li>
 *   <li>offline when {@code HF_HUB_OFFLINE} (or {@code TRANSFORMERS_OFFLINE}) is 1/ON/YES/TRUE;</li>
 *   <li>endpoint {@code HF_ENDPOINT} without trailing slashes, default {@code https://huggingface.co}.</li>
 * </ul>
 * Paths get {@code ~} and {@code $VAR}/{@code ${VAR}} expansion like Python's expanduser/expandvars.
 *
 * @param endpoint  hub base URL
 * @param hfHome    the huggingface home folder
 * @param hubCache  the hub cache folder (holding {@code models--org--name})
 * @param token     access token, if any
 * @param offline   never contact the hub
 */
public record HubSettings(String endpoint, Path hfHome, Path hubCache, Optional<String> token, boolean offline) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    /** Settings of this process's environment. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperty("user.home"));
    }

    /** Settings for the given environment variables and home folder. */
    public static HubSettings fromEnvironment(Map<String, String> env, String userHome) {
        String defaultHome = join(userHome, ".cache");
        String hfHome = expand(env.getOrDefault("HF_HOME", join(env.getOrDefault("XDG_CACHE_HOME", defaultHome), "huggingface")), env, userHome);
        String legacyCache = env.getOrDefault("HUGGINGFACE_HUB_CACHE", join(hfHome, "hub"));
        String hubCache = expand(env.getOrDefault("HF_HUB_CACHE", legacyCache), env, userHome);
        String tokenPath = expand(env.getOrDefault("HF_TOKEN_PATH", join(hfHome, "token")), env, userHome);
        String offlineVar = env.get("HF_HUB_OFFLINE");
        if (offlineVar == null || offlineVar.isEmpty()) {
            offlineVar = env.get("TRANSFORMERS_OFFLINE");
        }
        boolean offline = offlineVar != null && TRUE.contains(offlineVar.toUpperCase(Locale.ROOT));
        String endpoint = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT).replaceAll("/+$", "");
        String tokenVar = env.get("HF_TOKEN");
        if (tokenVar == null || tokenVar.isEmpty()) {
            tokenVar = env.get("HUGGING_FACE_HUB_TOKEN");
        }
        Optional<String> token = clean(tokenVar);
        if (token.isEmpty()) {
            Path tp = Paths.get(tokenPath);
            try {
                if (Files.isRegularFile(tp) && Files.size(tp) < 64 * 1024) {
                    token = clean(Files.readString(tp));
                }
            } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
                // unreadable token file: as huggingface_hub, carry on without a token
            }
        }
        return new HubSettings(endpoint, Paths.get(hfHome), Paths.get(hubCache), token, offline);
    }

    /** A copy with another cache folder. */
    public HubSettings withHubCache(Path cache) {
        return new HubSettings(endpoint, hfHome, cache, token, offline);
    }

    /** A copy with another endpoint. */
    public HubSettings withEndpoint(String url) {
        return new HubSettings(url.replaceAll("/+$", ""), hfHome, hubCache, token, offline);
    }

    private static Optional<String> clean(String t) {
        if (t == null) {
            return Optional.empty();
        }
        String s = t.replaceAll("\\r|\\n", "").strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static String join(String a, String b) {
        return a.endsWith("/") ? a + b : a + "/" + b;
    }

    private static final Pattern VAR = Pattern.compile("\\$(\\w+|\\{[^}]*})");

    /** os.path.expanduser then expandvars (unknown variables are left as they are). */
    static String expand(String p, Map<String, String> env, String userHome) {
        String s = p;
        if (s.equals("~") || s.startsWith("~/")) {
            s = userHome + s.substring(1);
        }
        if (s.indexOf('$') < 0) {
            return s;
        }
        Matcher m = VAR.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (name.startsWith("{")) {
                name = name.substring(1, name.length() - 1);
            }
            String v = env.get(name);
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
