package ai.maya1.cli;

import ai.maya1.server.SpeechJobs;
import ai.maya1.server.SpeechWorker;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code maya1 worker}: consumes synthesis jobs from a Redis Stream (see {@link SpeechWorker}). */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Consume speech jobs from a Redis Stream and write results keyed by job id.")
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--redis", required = true, defaultValue = "${env:MAYA1_REDIS_URI}", description = "redis://host:port (env MAYA1_REDIS_URI)")
    String redis;
    @Option(names = "--stream", defaultValue = "${env:MAYA1_JOB_STREAM:-maya1:jobs}", description = "stream key and key prefix (env MAYA1_JOB_STREAM)")
    String stream;
    @Option(names = "--consumer", defaultValue = "${env:HOSTNAME}", description = "consumer name, unique per worker (default: host name + pid)")
    String consumer;
    @Option(names = "--model", defaultValue = "${env:MAYA1_MODEL:-hf:maya-research/maya1}", description = "env MAYA1_MODEL")
    String model;
    @Option(names = "--threads", defaultValue = "${env:MAYA1_THREADS:-0}", description = "LM threads, 0 = all cores")
    int threads;
    @Option(names = "--concurrency", defaultValue = "${env:MAYA1_WORKER_CONCURRENCY:-1}", description = "jobs in parallel in this process")
    int concurrency;
    @Option(names = "--claim-idle", defaultValue = "${env:MAYA1_CLAIM_IDLE:-PT60S}", description = "take over jobs pending this long (ISO-8601)")
    Duration claimIdle;
    @Option(names = "--max-attempts", defaultValue = "3", description = "failed attempts before dead-lettering")
    int maxAttempts;
    @Option(names = "--max-deliveries", defaultValue = "5", description = "deliveries before dead-lettering")
    int maxDeliveries;

    @Override
    public Integer call() throws Exception {
        String base = (consumer == null || consumer.isBlank() ? "worker" : consumer) + "-" + ProcessHandle.current().pid();
        Maya1Config.Builder mc = Maya1Config.builder().model(ModelSource.parse(model)).maxConcurrentRequests(Math.max(1, concurrency))
                .batching(concurrency > 1);
        if (threads > 0) {
            mc.threads(threads);
        }
        try (Maya1Tts tts = Maya1Tts.create(mc.build()); SpeechJobs jobs = new SpeechJobs(redis, stream)) {
            List<SpeechWorker> workers = new ArrayList<>();
            List<Thread> threadsList = new ArrayList<>();
            for (int i = 0; i < Math.max(1, concurrency); i++) {
                SpeechWorker w = new SpeechWorker(tts, jobs, new SpeechWorker.Options(base + (concurrency > 1 ? "-" + i : ""), claimIdle,
                        Duration.ofSeconds(2), maxAttempts, maxDeliveries, Duration.ofDays(7)), null);
                workers.add(w);
                threadsList.add(Thread.ofPlatform().name("maya1-worker-" + i).start(w));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> workers.forEach(SpeechWorker::close)));
            System.err.println("maya1 worker: " + workers.size() + " consumer(s) on " + jobs.stream());
            for (Thread t : threadsList) {
                t.join();
            }
        }
        return 0;
    }
}
