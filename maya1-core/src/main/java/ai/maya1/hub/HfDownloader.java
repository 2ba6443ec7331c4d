package ai.maya1.hub;

import ai.maya1.weights.ModelJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a model repository into the Hugging Face hub cache through the hub's file API, producing the same
 * layout {@code huggingface_hub.snapshot_download} produces (see {@link HfCache}):
 * {@code GET /api/models/{repo}/revision/{rev}} gives the commit and file list; per file
 * {@code HEAD /{repo}/resolve/{commit}/{file}} gives {@code X-Repo-Commit}, {@code X-Linked-Etag} /
 * {@code ETag} and {@code X-Linked-Size} / {@code Content-Length} (same-host redirects followed, a redirect to
 * another host, e.g. a CDN, is where the bytes come from). Bytes go to {@code blobs/{etag}.incomplete}, which a
 * later run resumes with a {@code Range} request; a dropped connection is resumed the same way a few times.
 * The finished blob must have the announced size and hash (SHA-256 when the etag is one, as for LFS files;
 * the git blob SHA-1 when the etag is 40 hex digits) before it is renamed atomically into place and linked
 * from the snapshot. {@code Authorization} is only ever sent to the endpoint's own host, never to a redirect's
 * other host.
 */
public final class HfDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(HfDownloader.class);
    static final int MAX_REDIRECTS = 10;
    static final int MAX_ATTEMPTS = 5;
    static final long MAX_API_BYTES = 32L * 1024 * 1024;

    /** Receives progress; called from the downloading thread. */
    public interface Progress {
        default void repo(String repoId, String commit, int files) {
        }

        default void fileStarted(String file, long size, long resumedFrom) {
        }

        default void bytes(long n) {
        }

        default void fileDone(String file, long size, boolean fromCache) {
        }

        Progress NONE = new Progress() {
        };
    }

    /** What a download produced. */
    public record Result(String repoId, String commit, Path snapshot, List<Path> files, long bytesDownloaded, long bytesReused) {
    }

    /** File metadata from the HEAD request. */
    record FileMeta(String commit, String etag, long size, String location) {
    }

    private final HubSettings settings;
    private final HfCache cache;
    private final Progress progress;
    private final URI endpoint;
    private int connectTimeoutMs = 10_000;
    private int readTimeoutMs = 30_000;

    public HfDownloader(HubSettings settings, Progress progress) {
        this.settings = settings;
        this.cache = HfCache.of(settings);
        this.progress = progress == null ? Progress.NONE : progress;
        this.endpoint = URI.create(settings.endpoint() + "/");
    }

    /** Shorter timeouts, for tests. */
    HfDownloader timeouts(int connectMs, int readMs) {
        this.connectTimeoutMs = connectMs;
        this.readTimeoutMs = readMs;
        return this;
    }

    /**
     * Downloads (or finds in the cache) every file of {@code repoId} at {@code revision}; with
     * {@code HF_HUB_OFFLINE} set, only the cache is consulted.
     */
    public Result download(String repoId, String revision) {
        HfCache.checkRepoId(repoId);
        String rev = revision == null ? "main" : HfCache.checkRevision(revision);
        if (settings.offline()) {
            Path snap = cache.snapshot(repoId, rev).orElseThrow(() -> new HubException("offline mode (HF_HUB_OFFLINE) and " + repoId + "@" + rev
                    + " is not in the cache " + cache.root()));
            List<Path> files = new ArrayList<>();
            try (var s = Files.walk(snap)) {
                s.filter(Files::isRegularFile).forEach(files::add);
            } catch (IOException e) {
                throw new HubException("cannot list " + snap + ": " + e.getMessage());
            }
            return new Result(repoId, snap.getFileName().toString(), snap, files, 0, 0);
        }
        JsonNode info = api("api/models/" + repoId + "/revision/" + quote(rev, false), repoId + "@" + rev);
        String commit = info.path("sha").asText("");
        if (!HfCache.isCommitHash(commit)) {
            throw new HubException("hub answered no commit hash for " + repoId + "@" + rev);
        }
        Path repoFolder = cache.repoFolder(repoId);
        Map<String, TreeCache.Entry> tree = TreeCache.read(repoFolder, commit);
        if (tree == null) {
            tree = listTree(repoId, commit);
            if (tree != null) {
                try {
                    TreeCache.write(repoFolder, commit, tree);
                } catch (IOException e) {
                    LOG.warn("cannot write the tree cache of {}: {}", repoId, e.toString());
                }
            }
        }
        List<String> names = new ArrayList<>();
        if (tree != null) {
            names.addAll(tree.keySet());
        } else {
            for (JsonNode s : info.path("siblings")) {
                names.add(HfCache.checkFilename(s.path("rfilename").asText(null)));
            }
        }
        progress.repo(repoId, commit, names.size());
        cache.tagCacheDir();
        long downloaded = 0;
        long reused = 0;
        List<Path> files = new ArrayList<>();
        try {
            for (String name : names) {
                long[] counts = new long[2];
                files.add(downloadFile(repoId, commit, name, tree == null ? null : tree.get(name), counts));
                downloaded += counts[0];
                reused += counts[1];
            }
            cache.writeRef(repoId, rev, commit);
        } catch (IOException e) {
            throw new HubException("download of " + repoId + "@" + rev + " failed: " + e.getMessage(), -1, e);
        }
        return new Result(repoId, commit, cache.snapshotFolder(repoId, commit), List.copyOf(files), downloaded, reused);
    }

    /** Downloads one file of a commit into the cache and links it; counts[0] += bytes fetched, counts[1] += bytes reused. */
    Path downloadFile(String repoId, String commit, String filename, TreeCache.Entry listed, long[] counts) throws IOException {
        Path pointer = cache.snapshotFolder(repoId, commit).resolve(filename);
        FileMeta meta = head(repoId, commit, filename);
        String etag = HfCache.checkEtag(meta.etag());
        if (listed != null && (!etag.equals(listed.etag()) || (meta.size() >= 0 && meta.size() != listed.fileSize()))) {
            throw new HubException("hub metadata of " + filename + " disagrees with its tree listing (ETag " + etag + " vs " + listed.etag()
                    + ", size " + meta.size() + " vs " + listed.fileSize() + ")");
        }
        if (meta.commit() != null && !meta.commit().equals(commit)) {
            throw new HubException("hub answered commit " + meta.commit() + " for " + filename + " at commit " + commit);
        }
        Path blob = cache.blob(repoId, etag);
        if (Files.isRegularFile(blob) && (meta.size() < 0 || Files.size(blob) == meta.size())) {
            counts[1] += Files.size(blob);
            progress.fileDone(filename, Files.size(blob), true);
            return cache.link(repoId, commit, filename, etag);
        }
        Path lock = cache.lockFile(repoId, etag);
        Files.createDirectories(lock.getParent());
        Files.createDirectories(blob.getParent());
        try (FileChannel lc = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock ignored = lc.lock()) {
            if (!Files.isRegularFile(blob)) {
                counts[0] += fetch(meta, etag, filename, blob);
            }
        }
        progress.fileDone(filename, Files.size(blob), false);
        Path p = cache.link(repoId, commit, filename, etag);
        assert p.equals(pointer);
        return p;
    }

    /** Streams the blob into {@code .incomplete}, resuming as needed, verifies, renames. Returns bytes fetched. */
    private long fetch(FileMeta meta, String etag, String filename, Path blob) throws IOException {
        Path incomplete = blob.resolveSibling(etag + ".incomplete");
        MessageDigest digest = digestFor(etag);
        long fetched = 0;
        IOException last = null;
        boolean started = false;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long have = Files.isRegularFile(incomplete) ? Files.size(incomplete) : 0;
            if (meta.size() >= 0 && have > meta.size()) {
                Files.delete(incomplete);
                have = 0;
            }
            if (meta.size() >= 0 && have == meta.size() && have > 0) {
                break;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept-Encoding", "identity");
            if (have > 0) {
                headers.put("Range", "bytes=" + have + "-");
            }
            HttpURLConnection c = null;
            try {
                c = open("GET", URI.create(meta.location()), headers, true, filename);
                int code = c.getResponseCode();
                if (code == 416 && have > 0) {
                    Files.delete(incomplete);  // the server has less than we hold: start over
                    continue;
                }
                check(c, code, filename);
                boolean append = code == 206 && have > 0;
                if (append) {
                    String cr = c.getHeaderField("Content-Range");
                    if (cr == null || !cr.startsWith("bytes " + have + "-")) {
                        throw new HubException("server answered Range " + have + "- with Content-Range '" + cr + "' for " + filename);
                    }
                } else {
                    have = 0;
                }
                if (!started) {
                    progress.fileStarted(filename, meta.size(), have);
                    started = true;
                }
                if (digest != null) {
                    digest.reset();
                    if (append) {
                        feed(digest, incomplete);
                    }
                }
                try (InputStream in = c.getInputStream();
                     OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                             append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        if (digest != null) {
                            digest.update(buf, 0, n);
                        }
                        fetched += n;
                        progress.bytes(n);
                    }
                }
                long got = Files.size(incomplete);
                if (meta.size() < 0 || got == meta.size()) {
                    last = null;
                    break;
                }
                last = new IOException("connection closed after " + got + " of " + meta.size() + " bytes");
            } catch (IOException e) {
                last = e;
                LOG.debug("download of {} interrupted (attempt {}): {}", filename, attempt, e.toString());
            } finally {
                if (c != null) {
                    c.disconnect();
                }
            }
        }
        if (last != null) {
            throw new HubException("download of " + filename + " failed after " + MAX_ATTEMPTS + " attempts (partial file kept for resume: "
                    + incomplete + "): " + last.getMessage(), -1, last);
        }
        long size = Files.size(incomplete);
        if (meta.size() >= 0 && size != meta.size()) {
            throw new HubException("size mismatch for " + filename + ": expected " + meta.size() + " bytes, got " + size);
        }
        if (digest != null) {
            if (!started || digest.getAlgorithm().equals("SHA-1")) {
                digest.reset();
                feed(digest, incomplete);  // git's SHA-1 has a header, so the streamed digest cannot be used for it
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(etag)) {
                Files.deleteIfExists(incomplete);
                throw new HubException((etag.length() == 64 ? "SHA-256" : "git SHA-1") + " mismatch for " + filename + ": expected " + etag
                        + ", got " + actual + " (download discarded)");
            }
        } else {
            LOG.warn("{}: ETag {} is not a hash; size checked only", filename, etag);
        }
        Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE);
        return fetched;
    }

    private static MessageDigest digestFor(String etag) {
        try {
            if (etag.matches("[0-9a-fA-F]{64}")) {
                return MessageDigest.getInstance("SHA-256");
            }
            if (etag.matches("[0-9a-fA-F]{40}")) {
                return MessageDigest.getInstance("SHA-1");
            }
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Feeds a whole file; for SHA-1 in git's blob form ("blob {size}\0" + content). */
    private static void feed(MessageDigest md, Path file) throws IOException {
        if (md.getAlgorithm().equals("SHA-1")) {
            md.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
    }

    /** Git blob SHA-1 of bytes (what the hub uses as ETag for non-LFS files). */
    public static String gitBlobSha1(byte[] content) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    FileMeta head(String repoId, String commit, String filename) throws IOException {
        URI url = endpoint.resolve(repoId + "/resolve/" + commit + "/" + quote(filename, true));
        Map<String, String> headers = Map.of("Accept-Encoding", "identity");
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = open("HEAD", current, headers, false, filename);
            try {
                int code = c.getResponseCode();
                String location = c.getHeaderField("Location");
                if (isRedirect(code) && location != null) {
                    URI next = current.resolve(location);
                    if (sameHost(next, endpoint)) {
                        current = next;
                        continue;
                    }
                    return meta(c, filename, next.toString(), true);
                }
                check(c, code, filename);
                return meta(c, filename, current.toString(), false);
            } finally {
                c.disconnect();
            }
        }
        throw new HubException("too many redirects for " + filename);
    }

    private static FileMeta meta(HttpURLConnection c, String filename, String location, boolean redirected) {
        String commit = c.getHeaderField("X-Repo-Commit");
        String etag = c.getHeaderField("X-Linked-Etag");
        if (etag == null) {
            etag = c.getHeaderField("ETag");
        }
        if (etag == null) {
            throw new HubException("hub sent no ETag for " + filename + "; cannot verify it");
        }
        etag = normalizeEtag(etag);
        String size = c.getHeaderField("X-Linked-Size");
        if (size == null && !redirected) {
            size = c.getHeaderField("Content-Length");
        }
        long n = -1;
        try {
            n = size == null ? -1 : Long.parseLong(size.trim());
        } catch (NumberFormatException ignored) {
            n = -1;
        }
        return new FileMeta(commit, etag, n, location);
    }

    /** As huggingface_hub's _normalize_etag: strip a leading W/ and the quotes. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replaceAll("^\"+|\"+$", "");
    }

    /** The recursive tree listing of a commit (paginated by Link headers), or null when the hub has no tree API. */
    private Map<String, TreeCache.Entry> listTree(String repoId, String commit) {
        Map<String, TreeCache.Entry> out = new java.util.TreeMap<>();
        String next = "api/models/" + repoId + "/tree/" + commit + "?recursive=true&expand=false";
        for (int page = 0; next != null; page++) {
            if (page > 10_000) {
                throw new HubException("tree listing of " + repoId + " has too many pages");
            }
            JsonNode arr;
            String[] link = new String[1];
            try {
                arr = api(next, repoId + " file list", link);
            } catch (HubException e) {
                if (e.status() == 404 && page == 0) {
                    return null;
                }
                throw e;
            }
            if (!arr.isArray()) {
                throw new HubException("hub tree listing of " + repoId + " is not an array");
            }
            for (JsonNode f : arr) {
                if (!"file".equals(f.path("type").asText())) {
                    continue;
                }
                String path = HfCache.checkFilename(f.path("path").asText(null));
                JsonNode lfs = f.get("lfs");
                boolean isLfs = lfs != null && lfs.isObject();
                out.put(path, new TreeCache.Entry(f.path("size").asLong(-1), f.path("oid").asText(null), isLfs ? lfs.path("oid").asText(null) : null,
                        isLfs ? lfs.path("size").asLong(-1) : null));
            }
            next = link[0] == null ? null : endpoint.relativize(endpoint.resolve(link[0])).toString();
            if (next != null && next.startsWith("http")) {
                throw new HubException("tree listing pagination leaves the hub: " + link[0]);
            }
        }
        return out;
    }

    private JsonNode api(String path, String what) {
        return api(path, what, new String[1]);
    }

    /** GET of a hub API path; {@code nextLink[0]} receives the Link rel="next" target, if any. */
    private JsonNode api(String path, String what, String[] nextLink) {
        URI url = endpoint.resolve(path);
        try {
            HttpURLConnection c = follow("GET", url, Map.of("Accept", "application/json"), what);
            try {
                String link = c.getHeaderField("Link");
                if (link != null) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?").matcher(link);
                    nextLink[0] = m.find() ? m.group(1) : null;
                }
                long len = c.getContentLengthLong();
                if (len > MAX_API_BYTES) {
                    throw new HubException("hub API answer for " + what + " is too large (" + len + " bytes)");
                }
                try (InputStream in = c.getInputStream()) {
                    byte[] body = in.readNBytes((int) MAX_API_BYTES + 1);
                    if (body.length > MAX_API_BYTES) {
                        throw new HubException("hub API answer for " + what + " is too large");
                    }
                    return ModelJson.mapper().readTree(body);
                }
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new HubException("cannot reach the hub at " + settings.endpoint() + " for " + what + ": " + e.getMessage(), -1, e);
        }
    }

    /** A request that follows redirects, dropping Authorization once the host changes; fails on error statuses. */
    private HttpURLConnection follow(String method, URI url, Map<String, String> headers, String what) throws IOException {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = open(method, current, headers, true, what);
            int code = c.getResponseCode();
            String location = c.getHeaderField("Location");
            if (isRedirect(code) && location != null) {
                c.disconnect();
                current = current.resolve(location);
                continue;
            }
            check(c, code, what);
            return c;
        }
        throw new HubException("too many redirects for " + what);
    }

    /**
     * Opens one request (no automatic redirects). Authorization goes only to the endpoint's host. For GET of
     * file bytes, redirects are followed here, with the same rule.
     */
    private HttpURLConnection open(String method, URI url, Map<String, String> headers, boolean followForGet, String what) throws IOException {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (!"http".equals(current.getScheme()) && !"https".equals(current.getScheme())) {
                throw new HubException("refusing redirect to non-HTTP URL " + current + " for " + what);
            }
            HttpURLConnection c = (HttpURLConnection) current.toURL().openConnection();
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout(connectTimeoutMs);
            c.setReadTimeout(readTimeoutMs);
            c.setRequestMethod(method);
            c.setRequestProperty("User-Agent", "maya1-java; hf_hub-compatible");
            headers.forEach(c::setRequestProperty);
            if (settings.token().isPresent() && sameHost(current, endpoint)) {
                c.setRequestProperty("Authorization", "Bearer " + settings.token().get());
            }
            if (!followForGet || !method.equals("GET")) {
                return c;
            }
            int code = c.getResponseCode();
            String location = c.getHeaderField("Location");
            if (isRedirect(code) && location != null) {
                c.disconnect();
                current = current.resolve(location);
                continue;
            }
            return c;
        }
        throw new HubException("too many redirects for " + what);
    }

    private static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    static boolean sameHost(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    private void check(HttpURLConnection c, int code, String what) {
        if (code >= 200 && code < 300) {
            return;
        }
        String err = c.getHeaderField("X-Error-Code");
        String msg = switch (code) {
            case 401 -> "HTTP 401 Unauthorized for " + what + ": the repository is private or gated, or the token is invalid"
                    + (settings.token().isPresent() ? "" : " (no token: set HF_TOKEN or write it to $HF_HOME/token)");
            case 403 -> "HTTP 403 Forbidden for " + what + ": access is restricted (gated repository: accept its terms on the hub)";
            case 404 -> "HTTP 404 Not Found for " + what + (err == null ? "" : " (" + err + ")")
                    + ": no such repository, revision or file";
            default -> "HTTP " + code + " for " + what + (err == null ? "" : " (" + err + ")");
        };
        throw new HubException(msg, code, null);
    }

    /** URL-encodes like Python's quote: '/' kept only when {@code keepSlash}. */
    static String quote(String s, boolean keepSlash) {
        String q = URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
        return keepSlash ? q.replace("%2F", "/") : q;
    }
}
