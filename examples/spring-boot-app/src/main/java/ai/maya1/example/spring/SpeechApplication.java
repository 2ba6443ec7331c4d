package ai.maya1.example.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web application that speaks with Maya1 in-process through Spring AI's portable
 * {@code TextToSpeechModel}: the maya1 starter on the class path and {@code spring.ai.maya1.model} are all it needs.
 *
 * <pre>
 * ./mvnw -pl examples/spring-boot-app -am spring-boot:run -Dspring-boot.run.arguments=--spring.ai.maya1.model=test
 * curl -s localhost:8080/speech -H 'Content-Type: text/plain' -d 'Hello from Spring <laugh>.' -o hello.wav
 * curl -sN localhost:8080/speech/stream -H 'Content-Type: text/plain' -d 'Hello there.' | ffplay -nodisp -autoexit -
 * </pre>
 */
@SpringBootApplication
public class SpeechApplication {
    public static void main(String[] args) {
        SpringApplication.run(SpeechApplication.class, args);
    }
}
