package io.heapwatch.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web app with heapwatch added as one dependency. It listens on {@code SERVER_PORT} (default 8080) and
 * serves the authenticated {@code /metrics} (set {@code METRICS_AUTH_USERNAME} and {@code METRICS_AUTH_PASSWORD}).
 */
@SpringBootApplication
public class SpringBootDemo {

    public static void main(String[] args) {
        SpringApplication.run(SpringBootDemo.class, args);
    }
}
