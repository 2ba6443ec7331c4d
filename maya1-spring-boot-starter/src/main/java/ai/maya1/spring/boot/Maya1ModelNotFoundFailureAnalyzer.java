package ai.maya1.spring.boot;

import ai.maya1.tts.ModelNotFoundException;
import ai.maya1.tts.ModelSource;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up failure report when {@code spring.ai.maya1.model} (or {@code .snac}) names weights that are not on this
 * machine: what was looked for and where, and the properties that fix it (the engine's own hint speaks of CLI flags).
 */
class Maya1ModelNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<ModelNotFoundException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ModelNotFoundException cause) {
        String message = cause.getMessage();
        String hint = cause.hint();
        if (hint != null && !hint.isBlank() && message.endsWith("; " + hint)) {
            message = message.substring(0, message.length() - hint.length() - 2);
        }
        String fetch = cause.source() instanceof ModelSource.Hub hub
                ? "Fetch it into the Hugging Face cache ('./maya1 download " + hub.repoId() + "', or 'huggingface-cli download " + hub.repoId()
                        + "'; Maya1 also needs '" + ModelSource.SNAC_REPO + "'), point " + Maya1Properties.PREFIX + ".model at a folder or .gguf file"
                : "Point " + Maya1Properties.PREFIX + ".model (or .snac) at an existing folder or .gguf file, or at a hub id in the Hugging Face cache";
        return new FailureAnalysis("Maya1 could not find its model: " + message + ".",
                fetch + ", or set " + Maya1Properties.PREFIX + ".model=test for the built-in test model (output is not speech).", cause);
    }
}
