package ai.maya1.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code maya1} command line. Each subcommand is its own class; the exit codes are 0 on success, 2 on bad
 * input (a typed SDK exception or a mistyped command line, printed as one {@code error: ...} line), 1 on an
 * unexpected failure.
 */
@Command(name = "maya1", mixinStandardHelpOptions = true, versionProvider = Maya1Cli.Version.class,
        description = "Maya1 text-to-speech on the JVM.",
        subcommands = {
                InfoCommand.class,
                TokenizeCommand.class,
                LmCommand.class,
                SayCommand.class,
                StreamCommand.class,
                InspectCommand.class,
                DownloadCommand.class,
                ExportOnnxCommand.class,
                DecodeCodesCommand.class,
                ServeCommand.class,
                WorkerCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Maya1Cli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI without exiting the JVM (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Maya1Cli());
        CliErrors errors = new CliErrors();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        return cl.execute(args);
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Maya1Cli.class.getPackage().getImplementationVersion();
            return new String[] {"maya1 " + (v == null ? "(development build)" : v) + ", Java " + Runtime.version()};
        }
    }
}
