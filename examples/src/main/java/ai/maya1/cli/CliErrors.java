package ai.maya1.cli;

import ai.maya1.Maya1Exception;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns exceptions into the CLI's error contract: one line {@code error: <what> } on stderr, exit code 2 for
 * bad input (typed SDK exceptions, I/O problems with the named files), 1 for anything unexpected. Never a stack
 * trace unless {@code MAYA1_DEBUG=1}.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if ("1".equals(System.getenv("MAYA1_DEBUG"))) {
            ex.printStackTrace();
        }
        boolean badInput = ex instanceof Maya1Exception || ex instanceof UncheckedIOException || ex instanceof java.io.IOException
                || ex instanceof IllegalArgumentException;
        cmd.getErr().println("error: " + oneLine(ex));
        cmd.getErr().flush();
        return badInput ? BAD_INPUT : FAILURE;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
