package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/ validated without Docker or a cluster: every YAML parses, Kubernetes objects have the fields their schema
 * requires and reference each other consistently, probes and metrics name what the server really serves, and every
 * MAYA1_* variable set in a manifest is one the CLI reads.
 */
class DeployManifestsTest {
    static final Path DEPLOY = locate();
    static final ObjectMapper YAML = new YAMLMapper();

    static Path locate() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int i = 0; i < 3 && p != null; i++, p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/k8s"))) {
                return p.resolve("deploy");
            }
        }
        throw new IllegalStateException("deploy/ not found above " + System.getProperty("user.dir"));
    }

    static List<JsonNode> docs(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    static Map<String, JsonNode> k8s() throws IOException {
        Map<String, JsonNode> byKindName = new HashMap<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (JsonNode d : docs(f)) {
                    for (String field : new String[] {"apiVersion", "kind", "metadata"}) {
                        assertTrue(d.hasNonNull(field), f + ": missing " + field);
                    }
                    String name = d.get("metadata").path("name").asText("");
                    assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), f + ": bad metadata.name '" + name + "'");
                    byKindName.put(d.get("kind").asText() + "/" + name, d);
                }
            }
        }
        return byKindName;
    }

    /** Names of the environment variables the CLI commands read (picocli ${env:NAME...} defaults) plus the secrets. */
    static Set<String> cliEnv() throws IOException {
        Set<String> names = new HashSet<>(Set.of("MAYA1_JWT_SECRET", "MAYA1_TLS_PASSWORD"));
        Path cli = DEPLOY.getParent().resolve("examples/src/main/java/ai/maya1/cli");
        Matcher m = Pattern.compile("\\$\\{env:(MAYA1_[A-Z0-9_]+)").matcher(Files.readString(cli.resolve("ServeCommand.java"))
                + Files.readString(cli.resolve("WorkerCommand.java")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void kubernetesDeploymentHasGpuProbesAndKnownSettings() throws Exception {
        Map<String, JsonNode> k = k8s();
        JsonNode dep = k.get("Deployment/maya1-tts");
        assertEquals("apps/v1", dep.get("apiVersion").asText());
        JsonNode labels = dep.at("/spec/template/metadata/labels");
        dep.at("/spec/selector/matchLabels").fields().forEachRemaining(e -> assertEquals(e.getValue(), labels.get(e.getKey())));
        JsonNode c = dep.at("/spec/template/spec/containers/0");
        assertFalse(c.path("image").asText().isBlank());
        assertEquals("serve", c.at("/args/0").asText());
        assertEquals("1", c.at("/resources/limits").get("nvidia.com/gpu").asText());
        assertEquals("/health/ready", c.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/health/live", c.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/health/ready", c.at("/startupProbe/httpGet/path").asText());
        assertEquals(8080, c.at("/ports/0/containerPort").asInt());
        Set<String> known = cliEnv();
        for (JsonNode e : c.get("env")) {
            String n = e.get("name").asText();
            assertTrue(!n.startsWith("MAYA1_") || known.contains(n), "Deployment sets " + n + ", which the server does not read");
        }
        JsonNode w = k.get("Deployment/maya1-worker").at("/spec/template/spec/containers/0");
        assertEquals("worker", w.at("/args/0").asText());
        for (JsonNode e : w.get("env")) {
            String n = e.get("name").asText();
            assertTrue(!n.startsWith("MAYA1_") || known.contains(n), "worker sets " + n + ", which the CLI does not read");
        }
    }

    @Test
    void serviceHpaAndPdbPointAtTheDeployment() throws Exception {
        Map<String, JsonNode> k = k8s();
        JsonNode podLabels = k.get("Deployment/maya1-tts").at("/spec/template/metadata/labels");
        k.get("Service/maya1-tts").at("/spec/selector").fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey())));
        assertEquals("http", k.get("Service/maya1-tts").at("/spec/ports/0/targetPort").asText());
        JsonNode pdb = k.get("PodDisruptionBudget/maya1-tts");
        assertEquals("policy/v1", pdb.get("apiVersion").asText());
        pdb.at("/spec/selector/matchLabels").fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey())));
        assertTrue(pdb.at("/spec/minAvailable").asInt() >= 1);
        JsonNode hpa = k.get("HorizontalPodAutoscaler/maya1-tts");
        assertEquals("autoscaling/v2", hpa.get("apiVersion").asText());
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals("maya1-tts", hpa.at("/spec/scaleTargetRef/name").asText());
        assertTrue(hpa.at("/spec/minReplicas").asInt() <= hpa.at("/spec/maxReplicas").asInt());
        assertEquals("Pods", hpa.at("/spec/metrics/0/type").asText());
        String metric = hpa.at("/spec/metrics/0/pods/metric/name").asText();
        assertTrue(serverMetricNames().contains(metric), metric + " is not a metric the server exports");
        assertEquals("maya1-worker", k.get("HorizontalPodAutoscaler/maya1-worker").at("/spec/scaleTargetRef/name").asText());
    }

    /** Metric names a running server really exposes (scraped from a registry the server code filled). */
    static Set<String> serverMetricNames() throws Exception {
        try (SpeechServer s = SpeechServer.serve(ServerConfig.builder().port(0).model("test").build(), TestEngine.shared())) {
            s.awaitReady(java.time.Duration.ofMinutes(2));
            Set<String> names = new HashSet<>();
            for (String line : s.registry().scrape().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    names.add(line.split("[{ ]")[0]);
                }
            }
            return names;
        }
    }

    @Test
    void alertRulesUseMetricsTheServerExports() throws Exception {
        Set<String> exported = serverMetricNames();
        // histograms: the _bucket series exist once a request was timed; the server registers them with buckets
        exported.add("maya1_server_ttfa_seconds_bucket");
        exported.add("maya1_server_requests_seconds_count");
        exported.add("maya1_speech_cache_redis_up");
        JsonNode alerts = docs(DEPLOY.resolve("prometheus/alerts.yaml")).getFirst();
        int n = 0;
        Pattern metric = Pattern.compile("\\b(maya1_[a-z0-9_]+)");
        for (JsonNode g : alerts.get("groups")) {
            for (JsonNode r : g.get("rules")) {
                assertTrue(r.has("alert") ^ r.has("record"), r::toString);
                String expr = r.get("expr").asText();
                Matcher m = metric.matcher(expr);
                while (m.find()) {
                    assertTrue(exported.contains(m.group(1)), "rule uses unknown metric " + m.group(1) + ": " + expr);
                }
                if (r.has("alert")) {
                    assertTrue(r.at("/labels/severity").isTextual(), r::toString);
                    n++;
                }
            }
        }
        assertTrue(n >= 3);
        assertTrue(alerts.toString().contains("histogram_quantile(0.95"), "p95 TTFA rule");
    }

    @Test
    void composeFileServicesAndSettings() throws Exception {
        JsonNode compose = docs(DEPLOY.resolve("compose.yaml")).getFirst();
        JsonNode services = compose.get("services");
        for (String s : new String[] {"redis", "tts", "tts-gpu", "worker", "prometheus"}) {
            assertTrue(services.has(s), "service " + s);
        }
        assertEquals("nvidia", services.at("/tts-gpu/deploy/resources/reservations/devices/0/driver").asText());
        Set<String> known = cliEnv();
        for (String s : new String[] {"tts", "tts-gpu", "worker"}) {
            ((ObjectNode) services.get(s).get("environment")).fieldNames().forEachRemaining(n ->
                    assertTrue(!n.startsWith("MAYA1_") || known.contains(n), s + " sets " + n + ", which the CLI does not read"));
        }
        assertTrue(Files.isRegularFile(DEPLOY.resolve(services.at("/prometheus/volumes/1").asText().split(":")[0].replace("./", ""))));
    }
}
