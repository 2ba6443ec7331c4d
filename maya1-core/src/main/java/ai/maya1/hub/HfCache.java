package ai.maya1.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache layout, read and written exactly as {@code huggingface_hub} does:
 * <pre>
 * {cache}/models--{org}--{name}/
 *     blobs/{etag}                      file contents (etag = SHA-256 for LFS files, git blob SHA-1 otherwise)
 *     blobs/{etag}.incomplete           a download in progress
 *     refs/{revision}                   the commit hash a branch or tag pointed to (no newline)
 *     snapshots/{commit}/{path}         relative symlinks to ../../blobs/{etag} (deeper paths: more ../)
 *     .no_exist/{commit}/{path}         empty marker: the file does not exist at that commit
 * {cache}/.locks/models--{org}--{name}/{etag}.lock
 * </pre>
 */
public final class HfCache {
    private static final Pattern REPO_ID = Pattern.compile("^([\\w\\-.]{1,96}/)?[\\w\\-.]{1,96}$");
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{40}$");
    private static final Pattern ETAG = Pattern.compile("^[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]{0,127}$");

    private final Path root;

    public HfCache(Path hubCache) {
        this.root = hubCache;
    }

    /** The cache of these settings. */
    public static HfCache of(HubSettings s) {
        return new HfCache(s.hubCache());
    }

    public Path root() {
        return root;
    }

    /** Validates a repo id as huggingface_hub's validate_repo_id does (org/name, no "--" or ".."). */
    public static String checkRepoId(String repoId) {
        if (repoId == null || !REPO_ID.matcher(repoId).matches() || repoId.contains("--") || repoId.contains("..") || repoId.endsWith(".git")
                || repoId.startsWith("-") || repoId.startsWith(".") || repoId.endsWith("-") || repoId.endsWith(".")) {
            throw new HubException("invalid repo id '" + repoId + "' (expected org/name with letters, digits, '-', '_', '.')");
        }
        return repoId;
    }

    /** A revision (branch, tag, commit, refs/pr/N) must be a safe relative path: it names a file under refs/. */
    public static String checkRevision(String revision) {
        if (revision == null || revision.isEmpty() || revision.length() > 256 || revision.startsWith("/") || revision.endsWith("/")
                || revision.contains("\\") || revision.contains("\0")) {
            throw new HubException("invalid revision '" + revision + "'");
        }
        for (String part : revision.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new HubException("invalid revision '" + revision + "'");
            }
        }
        return revision;
    }

    /** A repository file path from the hub must be relative and stay inside the snapshot. */
    public static String checkFilename(String f) {
        if (f == null || f.isEmpty() || f.length() > 1024 || f.startsWith("/") || f.contains("\\") || f.contains("\0")
                || (f.length() >= 2 && f.charAt(1) == ':')) {
            throw new HubException("unsafe file name from the hub: '" + f + "'");
        }
        for (String part : f.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new HubException("unsafe file name from the hub: '" + f + "'");
            }
        }
        return f;
    }

    /** An etag names a blob file: it must be a plain token. */
    public static String checkEtag(String etag) {
        if (etag == null || !ETAG.matcher(etag).matches()) {
            throw new HubException("unusable ETag from the hub: '" + etag + "'");
        }
        return etag;
    }

    public static boolean isCommitHash(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    /** {@code models--org--name}. */
    public static String repoFolderName(String repoId) {
        return "models--" + checkRepoId(repoId).replace("/", "--");
    }

    public Path repoFolder(String repoId) {
        return root.resolve(repoFolderName(repoId));
    }

    public Path blob(String repoId, String etag) {
        return repoFolder(repoId).resolve("blobs").resolve(checkEtag(etag));
    }

    public Path lockFile(String repoId, String etag) {
        return root.resolve(".locks").resolve(repoFolderName(repoId)).resolve(checkEtag(etag) + ".lock");
    }

    public Path snapshotFolder(String repoId, String commit) {
        if (!isCommitHash(commit)) {
            throw new HubException("not a commit hash: '" + commit + "'");
        }
        return repoFolder(repoId).resolve("snapshots").resolve(commit);
    }

    /** The commit a revision names in this cache: a commit hash itself, else the content of refs/{revision}. */
    public Optional<String> commitFor(String repoId, String revision) {
        checkRevision(revision);
        Path ref = repoFolder(repoId).resolve("refs").resolve(revision);
        if (Files.isRegularFile(ref)) {
            try {
                String c = Files.readString(ref, StandardCharsets.UTF_8).strip();
                if (isCommitHash(c)) {
                    return Optional.of(c);
                }
                throw new HubException("cache ref " + ref + " does not hold a commit hash");
            } catch (IOException e) {
                throw new HubException("cannot read cache ref " + ref + ": " + e.getMessage());
            }
        }
        return isCommitHash(revision) ? Optional.of(revision) : Optional.empty();
    }

    /** The snapshot folder for a revision, if that snapshot is cached. */
    public Optional<Path> snapshot(String repoId, String revision) {
        return commitFor(repoId, revision).map(c -> snapshotFolder(repoId, c)).filter(Files::isDirectory);
    }

    /** A cached file (following the snapshot symlink), as try_to_load_from_cache finds it. */
    public Optional<Path> file(String repoId, String revision, String filename) {
        checkFilename(filename);
        return snapshot(repoId, revision).map(s -> s.resolve(filename)).filter(Files::isRegularFile);
    }

    /** True when the cache records that the file does not exist at this revision (.no_exist marker). */
    public boolean knownMissing(String repoId, String revision, String filename) {
        checkFilename(filename);
        return commitFor(repoId, revision).map(c -> Files.isRegularFile(repoFolder(repoId).resolve(".no_exist").resolve(c).resolve(filename)))
                .orElse(false);
    }

    /** huggingface_hub's CACHEDIR.TAG (bford.info/cachedir), so backup tools skip the cache. */
    static final String CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n"
            + "# This file is a cache directory tag created by huggingface_hub.\n"
            + "# For information about cache directory tags, see:\n"
            + "#\thttps://bford.info/cachedir/\n";

    /** Creates {@code CACHEDIR.TAG} in the cache root if missing (best effort, as huggingface_hub). */
    public void tagCacheDir() {
        Path tag = root.resolve("CACHEDIR.TAG");
        if (!Files.exists(tag)) {
            try {
                Files.createDirectories(root);
                Files.writeString(tag, CACHEDIR_TAG, StandardCharsets.UTF_8);
            } catch (IOException ignored) {
                // a read-only cache still works
            }
        }
    }

    /** Writes refs/{revision} = commit atomically (tmp file + rename), unless the revision is the commit. */
    public void writeRef(String repoId, String revision, String commit) throws IOException {
        checkRevision(revision);
        if (revision.equals(commit)) {
            return;
        }
        Path ref = repoFolder(repoId).resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).equals(commit)) {
            return;
        }
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Points snapshots/{commit}/{filename} at the blob with a relative symlink (a copy where links are unsupported). */
    public Path link(String repoId, String commit, String filename, String etag) throws IOException {
        Path pointer = snapshotFolder(repoId, commit).resolve(checkFilename(filename));
        Path blob = blob(repoId, etag);
        Files.createDirectories(pointer.getParent());
        Files.deleteIfExists(pointer);
        Path rel = pointer.getParent().toAbsolutePath().relativize(blob.toAbsolutePath());
        try {
            Files.createSymbolicLink(pointer, rel);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, pointer);
        }
        return pointer;
    }
}
