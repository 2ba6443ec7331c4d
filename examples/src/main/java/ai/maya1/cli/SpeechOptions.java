package ai.maya1.cli;

import ai.maya1.audio.AudioFormat;
import ai.maya1.engine.ModelResolver;
import ai.maya1.hub.HfDownloader;
import ai.maya1.hub.HubSettings;
import ai.maya1.tts.EngineInfo;
import ai.maya1.tts.InvalidRequestException;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.weights.TensorSources;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options shared by {@code say} and {@code stream}: text, voice, sampling, model choice, engine settings. */
final class SpeechOptions {
    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Text to speak (words are joined with spaces); may hold emotion tags like <laugh>.")
    List<String> words;

    @Option(names = "--text-file", paramLabel = "FILE", description = "Read the text from a UTF-8 file ('-' for stdin) instead.")
    String textFile;

    @Option(names = "--voice", paramLabel = "PRESET", description = "Voice preset (e.g. narrator, female-narrator, british-female, villain; see --list-voices).")
    String voice;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free-form Maya1 voice description (instead of --voice).")
    String description;

    @Option(names = "--seed", paramLabel = "N", description = "Seed: the same seed and text give the same audio.")
    Long seed;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 for greedy (default: ${DEFAULT-VALUE}).", defaultValue = "0.4")
    float temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).", defaultValue = "0.9")
    float topP;

    @Option(names = "--repetition-penalty", paramLabel = "R", description = "Repetition penalty (default: ${DEFAULT-VALUE}).", defaultValue = "1.1")
    float repetitionPenalty;

    @Option(names = "--max-tokens", paramLabel = "N", description = "LM token limit per piece of text (7 tokens per 85 ms frame; default: ${DEFAULT-VALUE}).",
            defaultValue = "2048")
    int maxTokens;

    @Option(names = "--no-split", description = "Send long text to the model in one piece instead of splitting at sentences.")
    boolean noSplit;

    @Option(names = "--format", paramLabel = "FMT", description = "wav, pcm (s16le 24 kHz), f32, mp3, ulaw, alaw (8 kHz), wav16k, pcm16k, wav-ulaw, wav-alaw. "
            + "Default: from the --out extension, else wav.")
    String format;

    @Option(names = "--model", paramLabel = "SRC", description = "Acoustic model: a folder, a .gguf file, a hub id (org/name, looked up in the Hugging Face cache), "
            + "or 'test' for the built-in test model. Default: maya-research/maya1 when cached, else the test model.")
    String model;

    @Option(names = "--snac", paramLabel = "SRC", description = "SNAC vocoder: a folder or a hub id. Default: hubertsiuzdak/snac_24khz (the test model's own with the test model).")
    String snac;

    @Option(names = "--threads", paramLabel = "N", description = "LM compute threads (default: available processors).")
    Integer threads;

    @Option(names = "--context", paramLabel = "N", description = "Context length per request (default: ${DEFAULT-VALUE}).", defaultValue = "4096")
    int context;

    @Option(names = "--backend", paramLabel = "NAME", description = "Acoustic backend (java, onnx, cuda); default: best available.")
    String backend;

    @Option(names = "--strict-tags", description = "Reject unknown <tags> instead of speaking them.")
    boolean strictTags;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
    boolean quiet;

    @Option(names = "--download", description = "When Maya1 is not in the Hugging Face cache, download it (and SNAC) without asking.")
    boolean download;

    /** The model choice with what to tell the user about it. */
    record Choice(ModelSource model, ModelSource snac, String note) {
    }

    String text() throws IOException {
        if (textFile != null) {
            if (words != null && !words.isEmpty()) {
                throw new InvalidRequestException("text", "give the text either as arguments or with --text-file, not both");
            }
            byte[] b = textFile.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(textFile));
            return new String(b, StandardCharsets.UTF_8);
        }
        if (words == null || words.isEmpty()) {
            throw new InvalidRequestException("text", "no text: give it as arguments (maya1 say \"Hello there\") or with --text-file");
        }
        return String.join(" ", words);
    }

    SpeechRequest request(AudioFormat fmt) throws IOException {
        if (voice != null && description != null) {
            throw new InvalidRequestException("voice", "use either --voice or --description, not both");
        }
        SpeechRequest.Builder b = SpeechRequest.builder().text(text()).temperature(temperature).topP(topP).repetitionPenalty(repetitionPenalty)
                .maxTokens(maxTokens).splitLongText(!noSplit).format(fmt);
        if (voice != null) {
            b.voice(voice);
        }
        if (description != null) {
            b.description(description);
        }
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }

    /**
     * The output format: {@code --format}, else from a known extension of {@code out}, else WAV for a name without an
     * extension. An unknown extension is refused (it would get bytes its readers do not expect), and so is an
     * extension that names another format than {@code --format}.
     */
    AudioFormat format(Path out) {
        AudioFormat given = format == null ? null : AudioFormat.parse(format);
        String ext = out == null ? null : extension(out);
        if (ext == null) {
            return given != null ? given : AudioFormat.WAV;
        }
        AudioFormat fromName = formatOfExtension(ext);
        if (given == null) {
            if (fromName == null) {
                throw new InvalidRequestException("out", "cannot tell the audio format of " + out + " from '." + ext + "': use ."
                        + String.join(", .", KNOWN_EXTENSIONS) + ", or give --format");
            }
            return fromName;
        }
        if (fromName != null && !fromName.extension().equals(given.extension())) {
            throw new InvalidRequestException("out", out + " is named ." + ext + " but --format " + format + " writes ." + given.extension()
                    + " data: rename the file or drop --format");
        }
        return given;
    }

    /** File name extensions {@link #format(Path)} knows. */
    static final List<String> KNOWN_EXTENSIONS = List.of("wav", "pcm", "raw", "s16", "f32", "mp3", "ulaw", "mulaw", "ul", "alaw", "al");

    private static String extension(Path out) {
        Path name = out.getFileName();
        if (name == null) {
            return null;
        }
        String n = name.toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && dot < n.length() - 1 ? n.substring(dot + 1).toLowerCase(Locale.ROOT) : null;
    }

    private static AudioFormat formatOfExtension(String ext) {
        return switch (ext) {
            case "wav" -> AudioFormat.WAV;
            case "pcm", "raw", "s16" -> AudioFormat.PCM_S16LE;
            case "f32" -> AudioFormat.PCM_F32LE;
            case "mp3" -> AudioFormat.MP3;
            case "ulaw", "mulaw", "ul" -> AudioFormat.ULAW;
            case "alaw", "al" -> AudioFormat.ALAW;
            default -> null;
        };
    }

    /**
     * --model, else Maya1 from the Hugging Face cache, else (with --download, or after a yes on a terminal when the
     * hub is reachable) a download, else the test model with a note on how to get the real one.
     */
    Choice choose() {
        ModelSource snacSource = snac == null ? null : ModelSource.parse(snac);
        if (model != null) {
            ModelSource m = ModelSource.parse(model);
            checkIsAModel(m);
            return new Choice(m, snacSource, null);
        }
        ModelSource maya1 = ModelSource.hub(ModelSource.MAYA1_REPO);
        ModelSource snac24 = ModelSource.hub(ModelSource.SNAC_REPO);
        if (ModelResolver.isAvailable(maya1, null)) {
            return new Choice(maya1, snacSource, null);
        }
        HubSettings hub = HubSettings.fromEnvironment();
        if (download || (!hub.offline() && terminal() && !quiet && hubReachable(hub) && ask())) {
            fetch(hub, ModelSource.MAYA1_REPO);
            if (snacSource == null && !ModelResolver.isAvailable(snac24, null)) {
                fetch(hub, ModelSource.SNAC_REPO);
            }
            return new Choice(maya1, snacSource, null);
        }
        String how = "Maya1 weights are not in the Hugging Face cache (" + ModelResolver.hubCacheDir(null) + "); to use them run "
                + "'./maya1 download " + ModelSource.MAYA1_REPO + "' and './maya1 download " + ModelSource.SNAC_REPO + "' (or pass --download), "
                + "or pass --model DIR";
        return new Choice(ModelSource.testModel(), snacSource, how);
    }

    /**
     * A file given as --model must hold weights (GGUF, safetensors, a PyTorch checkpoint): anything else is named
     * here, before the engine would look for the SNAC vocoder or a tokenizer beside it.
     */
    static void checkIsAModel(ModelSource m) {
        if (m instanceof ModelSource.Local local && Files.isRegularFile(local.path())) {
            TensorSources.FileKind kind = TensorSources.detect(local.path());
            if (!kind.holdsTensors()) {
                String what = kind == TensorSources.FileKind.UNKNOWN ? "" : " (it is a " + kind.name().toLowerCase(Locale.ROOT).replace('_', '.') + " file)";
                throw new InvalidRequestException("model", local.path() + " is not a model" + what
                        + ": --model takes a model folder (config.json, weights, tokenizer.json), a .gguf file, a hub id (org/name) or 'test'");
            }
        }
    }

    /**
     * Logging as the CLI wants it, set before the engine's loggers exist: the test-model notice is printed once by
     * {@link #announce} (so the engine's own WARN of it is off), and {@code --quiet} leaves only errors.
     */
    void configureLogging() {
        System.setProperty("org.slf4j.simpleLogger.log." + EngineInfo.TEST_MODEL_LOGGER, "off");
        if (quiet) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
    }

    private boolean ask() {
        System.err.print("Maya1 (" + ModelSource.MAYA1_REPO + ", about 6.6 GB) is not in the Hugging Face cache. Download it now? [y/N] ");
        System.err.flush();
        String answer = System.console().readLine();
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    }

    private void fetch(HubSettings hub, String repo) {
        HfDownloader.Progress p = quiet ? HfDownloader.Progress.NONE : new DownloadCommand.ConsoleProgress(System.err, Tty.stderr());
        new HfDownloader(hub, p).download(repo, "main");
    }

    /** A quick HEAD request to the hub endpoint (3 s), so that an offline machine is never asked. */
    static boolean hubReachable(HubSettings hub) {
        try {
            java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(3)).build();
            java.net.http.HttpRequest r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.endpoint()))
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).timeout(java.time.Duration.ofSeconds(3)).build();
            return c.send(r, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
        } catch (Exception e) {
            return false;
        }
    }

    Maya1Config config(Choice c) {
        Maya1Config.Builder b = Maya1Config.builder().model(c.model()).snac(c.snac()).contextLength(context).strictTags(strictTags)
                .warmUpOnStart(false) // one request per process: warming up would cost as much as it saves
                .cacheBytes(0).acousticBackend(backend);
        if (threads != null) {
            b.threads(threads);
        }
        return b.build();
    }

    /** Prints the test-model label and where real weights come from. */
    void announce(PrintStream out, EngineInfo info, Choice c) {
        if (quiet) {
            return;
        }
        if (info.testModel()) {
            out.println(EngineInfo.TEST_MODEL_LABEL + (c.note() == null ? "" : " (" + c.note() + ")"));
        }
    }

    static boolean terminal() {
        return Tty.stdout();
    }
}
