package ai.maya1.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback Hugging Face hub: the revision API and resolve endpoint on 127.0.0.1, with LFS files redirected
 * to a "CDN" on another host name (localhost, another port) that honours Range requests. It records which
 * Authorization headers each host saw, can drop a connection mid-file, lie about a hash, and require a token.
 */
final class MockHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    record RepoFile(String name, byte[] content, boolean lfs) {
        String etag() {
            return lfs ? sha256(content) : HfDownloader.gitBlobSha1(content);
        }
    }

    final HttpServer hub;
    final HttpServer cdn;
    final Map<String, RepoFile> files = new LinkedHashMap<>();
    final List<String> hubAuth = new CopyOnWriteArrayList<>();
    final List<String> cdnAuth = new CopyOnWriteArrayList<>();
    final List<String> cdnRanges = new CopyOnWriteArrayList<>();
    final AtomicInteger dropsLeft = new AtomicInteger();
    volatile String requiredToken;
    volatile String lieAboutEtagOf;
    volatile boolean treeApi = true;
    String repoId = "org/model";

    MockHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    String cdnBase() {
        return "http://localhost:" + cdn.getAddress().getPort();
    }

    MockHub add(String name, byte[] content, boolean lfs) {
        files.put(name, new RepoFile(name, content, lfs));
        return this;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        String a = ex.getRequestHeaders().getFirst("Authorization");
        hubAuth.add(a == null ? "" : a);
        if (requiredToken != null && !("Bearer " + requiredToken).equals(a)) {
            ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return false;
        }
        return true;
    }

    private void handleHub(HttpExchange ex) throws IOException {
        try (ex) {
            if (!authorized(ex)) {
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            String api = "/api/models/" + repoId + "/revision/";
            if (path.startsWith(api)) {
                StringBuilder sb = new StringBuilder("{\"id\":\"" + repoId + "\",\"sha\":\"" + COMMIT + "\",\"siblings\":[");
                int i = 0;
                for (String n : files.keySet()) {
                    sb.append(i++ == 0 ? "" : ",").append("{\"rfilename\":\"").append(n).append("\"}");
                }
                byte[] body = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            String tree = "/api/models/" + repoId + "/tree/" + COMMIT;
            if (path.equals(tree) && treeApi) {
                StringBuilder sb = new StringBuilder("[");
                int i = 0;
                for (RepoFile f : files.values()) {
                    sb.append(i++ == 0 ? "" : ",").append("{\"type\":\"file\",\"oid\":\"")
                            .append(f.lfs() ? HfDownloader.gitBlobSha1(("pointer " + f.name()).getBytes()) : f.etag())
                            .append("\",\"size\":").append(f.content().length).append(",\"path\":\"").append(f.name()).append('"');
                    if (f.lfs()) {
                        sb.append(",\"lfs\":{\"oid\":\"").append(f.etag()).append("\",\"size\":").append(f.content().length).append(",\"pointerSize\":134}");
                    }
                    sb.append('}');
                }
                byte[] body = sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            String resolve = "/" + repoId + "/resolve/";
            if (!path.startsWith(resolve)) {
                ex.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String rest = java.net.URLDecoder.decode(path.substring(resolve.length()), StandardCharsets.UTF_8);
            String rev = rest.substring(0, rest.indexOf('/'));
            String name = rest.substring(rest.indexOf('/') + 1);
            RepoFile f = files.get(name);
            if (f == null || !(rev.equals(COMMIT) || rev.equals("main"))) {
                ex.getResponseHeaders().set("X-Error-Code", f == null ? "EntryNotFound" : "RevisionNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String etag = name.equals(lieAboutEtagOf) ? sha256("something else".getBytes()) : f.etag();
            ex.getResponseHeaders().set("X-Repo-Commit", COMMIT);
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (f.lfs()) {
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + etag + "\"");
                ex.getResponseHeaders().set("X-Linked-Size", Integer.toString(f.content().length));
                ex.getResponseHeaders().set("ETag", "\"" + HfDownloader.gitBlobSha1(("pointer " + name).getBytes()) + "\"");
                ex.getResponseHeaders().set("Location", cdnBase() + "/blobs/" + f.etag() + "?sig=abc");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            ex.getResponseHeaders().set("ETag", "\"" + etag + "\"");
            if (head) {
                ex.getResponseHeaders().set("Content-Length", Integer.toString(f.content().length));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, f.content().length);
                ex.getResponseBody().write(f.content());
            }
        }
    }

    private void handleCdn(HttpExchange ex) throws IOException {
        try (ex) {
            String a = ex.getRequestHeaders().getFirst("Authorization");
            cdnAuth.add(a == null ? "" : a);
            String path = ex.getRequestURI().getPath();
            RepoFile f = files.values().stream().filter(r -> path.equals("/blobs/" + r.etag())).findFirst().orElse(null);
            if (f == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] c = f.content();
            String range = ex.getRequestHeaders().getFirst("Range");
            cdnRanges.add(range == null ? "" : range);
            int from = 0;
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                from = Integer.parseInt(range.substring(6, range.length() - 1));
                if (from >= c.length) {
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (c.length - 1) + "/" + c.length);
                ex.sendResponseHeaders(206, c.length - from);
            } else {
                ex.sendResponseHeaders(200, c.length);
            }
            OutputStream out = ex.getResponseBody();
            if (dropsLeft.getAndDecrement() > 0) {
                out.write(c, from, (c.length - from) / 2);
                out.flush();
                // drop the connection mid-file
                throw new IOException("simulated drop");
            }
            out.write(c, from, c.length - from);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
