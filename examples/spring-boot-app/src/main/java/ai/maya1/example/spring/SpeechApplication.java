package ai.maya1.example.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web application that speaks with Maya1 in-process through Spring AI's portable
 * {@code TextToSpeechModel}: the maya1 starter on the class path and {@code spring.ai.maya1.model} are all it needs.
 * With Actuator on the class path the engine's metrics ({@code maya1.tts.*}) are in the application's registry.
 *
 * <pre>
 * ./mvnw -B -ntp -pl examples/spring-boot-app -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar examples/spring-boot-app/target/maya1-example-spring-boot-app-*.jar --spring.ai.maya1.model=test
 * curl -s localhost:8080/speech -H 'Content-Type: text/plain' -d 'Hello from Spring <laugh>.' -o hello.wav
 * curl -sN localhost:8080/speech/stream -H 'Content-Type: text/plain' -d 'Hello there.' | ffplay -nodisp -autoexit -
 * curl -s localhost:8080/actuator/metrics/maya1.tts.requests
 * </pre>
 */
@SpringBootApplication
public class SpeechApplication {
    public static void main(String[] args) {
        SpringApplication.run(SpeechApplication.class, args);
    }
}
