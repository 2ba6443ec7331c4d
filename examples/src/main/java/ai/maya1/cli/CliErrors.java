package ai.maya1.cli;

import ai.maya1.Maya1Exception;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;
import picocli.CommandLine;

/**
 * Turns exceptions into the CLI's error contract: one line {@code error: <what>: <why>} on stderr, exit code 2 for
 * bad input (typed SDK exceptions, I/O problems with the named files, unknown options), 1 for anything unexpected.
 * Never a stack trace unless {@code MAYA1_DEBUG=1}.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if ("1".equals(System.getenv("MAYA1_DEBUG"))) {
            ex.printStackTrace();
        }
        boolean badInput = ex instanceof Maya1Exception || ex instanceof UncheckedIOException || ex instanceof IOException
                || ex instanceof IllegalArgumentException;
        cmd.getErr().println("error: " + oneLine(ex));
        cmd.getErr().flush();
        return badInput ? BAD_INPUT : FAILURE;
    }

    /** A mistyped command line: the reason and where the options are listed, one line, instead of the whole usage. */
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("error: " + oneLine(ex) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        cmd.getErr().flush();
        return BAD_INPUT;
    }

    /** The message on one line; a file-system error always says which file and why, even where NIO says only the file. */
    static String oneLine(Throwable t) {
        String m = message(t);
        FileSystemException fse = fileSystemCause(t);
        if (fse != null) {
            String bare = fse.getMessage();
            String why = reason(fse);
            String file = fse.getFile();
            if (file != null && bare != null && bare.equals(file)) {
                if (m.equals(bare)) {
                    m = file + ": " + why;
                } else if (m.endsWith(file + ": " + bare)) {
                    m = m.substring(0, m.length() - bare.length()) + why;   // "cannot write F: F" -> "cannot write F: why"
                } else if (m.endsWith(": " + bare)) {
                    m = m + ": " + why;
                } else if (!m.contains(why)) {
                    m = m + " (" + file + ": " + why + ")";
                }
            }
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static FileSystemException fileSystemCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof FileSystemException f) {
                return f;
            }
        }
        return null;
    }

    /** Why a file operation failed, in words (NIO's specific exceptions carry no reason text). */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e.getCause() instanceof ReadOnlyFileSystemException) {
            return "read-only file system";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
