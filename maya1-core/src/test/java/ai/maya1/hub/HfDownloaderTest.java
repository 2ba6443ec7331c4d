package ai.maya1.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfDownloaderTest {
    @TempDir
    Path cache;
    MockHub hub;
    byte[] weights;
    byte[] config = "{\"model_type\":\"llama\"}\n".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws Exception {
        weights = new byte[300_000];
        new Random(7).nextBytes(weights);
        hub = new MockHub().add("config.json", config, false).add("model.safetensors", weights, true).add("sub/dir/notes.txt", "hi".getBytes(), false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    HubSettings settings(String token) {
        return new HubSettings(hub.endpoint(), cache.getParent(), cache, Optional.ofNullable(token), false);
    }

    HfDownloader downloader(String token) {
        return new HfDownloader(settings(token), null).timeouts(2000, 2000);
    }

    @Test
    void downloadsIntoTheHubCacheLayoutWithRelativeSymlinksAndRefs() throws Exception {
        HfDownloader.Result r = downloader(null).download("org/model", "main");
        assertEquals(MockHub.COMMIT, r.commit());
        Path repo = cache.resolve("models--org--model");
        assertEquals(repo.resolve("snapshots").resolve(MockHub.COMMIT), r.snapshot());
        assertEquals(MockHub.COMMIT, Files.readString(repo.resolve("refs/main")));
        Path w = r.snapshot().resolve("model.safetensors");
        assertTrue(Files.isSymbolicLink(w));
        assertEquals(Path.of("../../blobs/" + MockHub.sha256(weights)), Files.readSymbolicLink(w));
        assertEquals(Path.of("../../../../blobs/" + HfDownloader.gitBlobSha1("hi".getBytes())), Files.readSymbolicLink(r.snapshot().resolve("sub/dir/notes.txt")));
        assertArrayEquals(weights, Files.readAllBytes(w));
        assertArrayEquals(config, Files.readAllBytes(r.snapshot().resolve("config.json")));
        assertTrue(Files.exists(cache.resolve(".locks/models--org--model/" + MockHub.sha256(weights) + ".lock")));
        String tree = Files.readString(repo.resolve("trees/" + MockHub.COMMIT + ".json"));
        assertTrue(tree.startsWith("{\n \"format_version\": 1,\n \"files\": {\n  \"config.json\": {\n   \"size\": "), tree);
        assertEquals(weights.length + config.length + 2, r.bytesDownloaded());
        try (var s = Files.list(repo.resolve("blobs"))) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }
        // the cache API reads it back, by branch and by commit
        HfCache c = new HfCache(cache);
        assertEquals(Optional.of(w), c.file("org/model", "main", "model.safetensors"));
        assertEquals(Optional.of(r.snapshot()), c.snapshot("org/model", MockHub.COMMIT));
        // a second run reuses every blob
        HfDownloader.Result again = downloader(null).download("org/model", "main");
        assertEquals(0, again.bytesDownloaded());
        assertEquals(weights.length + config.length + 2, again.bytesReused());
    }

    @Test
    void withoutATreeApiTheSiblingsListIsUsed() throws Exception {
        hub.treeApi = false;
        HfDownloader.Result r = downloader(null).download("org/model", "main");
        assertArrayEquals(weights, Files.readAllBytes(r.snapshot().resolve("model.safetensors")));
        assertFalse(Files.exists(cache.resolve("models--org--model/trees")));
    }

    @Test
    void droppedConnectionResumesWithRangeAndVerifies() throws Exception {
        hub.dropsLeft.set(2);
        HfDownloader.Result r = downloader(null).download("org/model", "main");
        assertArrayEquals(weights, Files.readAllBytes(r.snapshot().resolve("model.safetensors")));
        assertEquals("", hub.cdnRanges.get(0));
        assertEquals("bytes=150000-", hub.cdnRanges.get(1));
        assertTrue(hub.cdnRanges.get(2).startsWith("bytes=2"), hub.cdnRanges.toString());
    }

    @Test
    void aPartialFileFromAnEarlierRunIsResumed() throws Exception {
        Path blobs = Files.createDirectories(cache.resolve("models--org--model/blobs"));
        Files.write(blobs.resolve(MockHub.sha256(weights) + ".incomplete"), java.util.Arrays.copyOf(weights, 1000));
        HfDownloader.Result r = downloader(null).download("org/model", "main");
        assertEquals(List.of("bytes=1000-"), hub.cdnRanges);
        assertArrayEquals(weights, Files.readAllBytes(r.snapshot().resolve("model.safetensors")));
        assertEquals(weights.length - 1000 + config.length + 2, r.bytesDownloaded());
    }

    @Test
    void authorizationGoesToTheHubButNeverToTheRedirectsOtherHost() {
        hub.requiredToken = "hf_secret";
        downloader("hf_secret").download("org/model", "main");
        assertTrue(hub.hubAuth.stream().allMatch("Bearer hf_secret"::equals), hub.hubAuth.toString());
        assertFalse(hub.cdnAuth.isEmpty());
        assertTrue(hub.cdnAuth.stream().allMatch(String::isEmpty), hub.cdnAuth.toString());
    }

    @Test
    void http401And404AreTypedErrors() {
        hub.requiredToken = "hf_secret";
        HubException e = assertThrows(HubException.class, () -> downloader(null).download("org/model", "main"));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
        e = assertThrows(HubException.class, () -> downloader("wrong").download("org/model", "main"));
        assertEquals(401, e.status());
        hub.requiredToken = null;
        e = assertThrows(HubException.class, () -> downloader(null).download("org/other", "main"));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("RepoNotFound"), e.getMessage());
    }

    @Test
    void wrongHashIsRefusedAndNothingIsLinked() throws Exception {
        hub.lieAboutEtagOf = "model.safetensors";
        HubException listed = assertThrows(HubException.class, () -> downloader(null).download("org/model", "main"));
        assertTrue(listed.getMessage().contains("disagrees with its tree listing"), listed.getMessage());
        hub.treeApi = false;
        Files.walk(cache).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(cache)).forEach(p -> p.toFile().delete());
        HubException e = assertThrows(HubException.class, () -> downloader(null).download("org/model", "main"));
        assertTrue(e.getMessage().contains("SHA-256 mismatch for model.safetensors"), e.getMessage());
        Path snap = cache.resolve("models--org--model/snapshots/" + MockHub.COMMIT);
        assertFalse(Files.exists(snap.resolve("model.safetensors")));
        try (var s = Files.list(cache.resolve("models--org--model/blobs"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(MockHub.sha256("something else".getBytes()))));
        }
        assertFalse(Files.exists(cache.resolve("models--org--model/refs/main")));
        hub.lieAboutEtagOf = "config.json";
        hub.files.remove("model.safetensors");
        e = assertThrows(HubException.class, () -> downloader(null).download("org/model", "main"));
        assertTrue(e.getMessage().contains("mismatch for config.json"), e.getMessage());
    }

    @Test
    void unsafeNamesFromTheServerAreRefused() {
        hub.add("../../escape.txt", "x".getBytes(), false);
        HubException e = assertThrows(HubException.class, () -> downloader(null).download("org/model", "main"));
        assertTrue(e.getMessage().contains("unsafe file name"), e.getMessage());
        assertThrows(HubException.class, () -> downloader(null).download("../evil", "main"));
        assertThrows(HubException.class, () -> downloader(null).download("org/model", "../../x"));
    }

    @Test
    void offlineModeUsesOnlyTheCache() {
        HubSettings off = new HubSettings("http://127.0.0.1:9", cache.getParent(), cache, Optional.empty(), true);
        assertThrows(HubException.class, () -> new HfDownloader(off, null).download("org/model", "main"));
        downloader(null).download("org/model", "main");
        HfDownloader.Result r = new HfDownloader(off, null).download("org/model", "main");
        assertEquals(MockHub.COMMIT, r.commit());
        assertEquals(3, r.files().size());
    }

    @Test
    void settingsFollowHuggingfaceHubPrecedence() throws Exception {
        String home = "/home/u";
        HubSettings d = HubSettings.fromEnvironment(Map.of(), home);
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), d.hubCache());
        assertEquals("https://huggingface.co", d.endpoint());
        assertFalse(d.offline());
        assertEquals(Path.of("/x/huggingface/hub"), HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), home).hubCache());
        assertEquals(Path.of("/h/hub"), HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x", "HF_HOME", "/h"), home).hubCache());
        assertEquals(Path.of("/legacy"), HubSettings.fromEnvironment(Map.of("HF_HOME", "/h", "HUGGINGFACE_HUB_CACHE", "/legacy"), home).hubCache());
        assertEquals(Path.of("/new"), HubSettings.fromEnvironment(Map.of("HUGGINGFACE_HUB_CACHE", "/legacy", "HF_HUB_CACHE", "/new"), home).hubCache());
        assertEquals(Path.of("/home/u/c/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "~/c"), home).hubCache());
        assertEquals(Path.of("/v/c/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "$BASE/c", "BASE", "/v"), home).hubCache());
        assertTrue(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "yes"), home).offline());
        assertTrue(HubSettings.fromEnvironment(Map.of("TRANSFORMERS_OFFLINE", "1"), home).offline());
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0"), home).offline());
        assertEquals("http://m:1", HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "http://m:1//"), home).endpoint());
        Path hf = Files.createDirectories(cache.resolve("hfhome"));
        Files.writeString(hf.resolve("token"), "  hf_file\n");
        assertEquals(Optional.of("hf_file"), HubSettings.fromEnvironment(Map.of("HF_HOME", hf.toString()), home).token());
        assertEquals(Optional.of("hf_env"), HubSettings.fromEnvironment(Map.of("HF_HOME", hf.toString(), "HF_TOKEN", "hf_env"), home).token());
        assertEquals(Optional.of("hf_old"), HubSettings.fromEnvironment(Map.of("HUGGING_FACE_HUB_TOKEN", "hf_old"), home).token());
        assertEquals(Optional.empty(), HubSettings.fromEnvironment(Map.of("HF_HOME", "/nonexistent"), home).token());
    }

    @Test
    void etagsNormaliseLikeHuggingfaceHub() {
        assertEquals("abc", HfDownloader.normalizeEtag("W/\"abc\""));
        assertEquals("abc", HfDownloader.normalizeEtag("\"abc\""));
        assertThrows(HubException.class, () -> HfCache.checkEtag("../../etc/passwd"));
        assertEquals("models--maya-research--maya1", HfCache.repoFolderName("maya-research/maya1"));
        assertEquals("models--hubertsiuzdak--snac_24khz", HfCache.repoFolderName("hubertsiuzdak/snac_24khz"));
        assertEquals("refs%2Fpr%2F1", HfDownloader.quote("refs/pr/1", false));
    }
}
