package ai.maya1.spring.boot;

import ai.maya1.tts.ModelNotFoundException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up failure report when {@code spring.ai.maya1.model} names weights that are not on this machine. */
class Maya1ModelNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<ModelNotFoundException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ModelNotFoundException cause) {
        String source = cause.source() == null ? "the configured model" : cause.source().describe();
        return new FailureAnalysis("Maya1 could not find " + source + ": " + cause.getMessage(),
                (cause.hint() == null || cause.hint().isBlank() ? "" : cause.hint() + ", ")
                        + "or point " + Maya1Properties.PREFIX + ".model at a folder or .gguf file, or set " + Maya1Properties.PREFIX
                        + ".model=test for the built-in test model (output is not speech).",
                cause);
    }
}
