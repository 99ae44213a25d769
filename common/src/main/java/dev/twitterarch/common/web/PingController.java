package dev.twitterarch.common.web;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ping}: an endpoint that does no work. The compare module sends it the same load as
 * the feed reads to measure what this machine's HTTP stack alone can serve (the ceiling every
 * step's read throughput is a fraction of).
 */
@RestController
class PingController {

    private static final Map<String, String> PONG = Map.of("status", "ok");

    @GetMapping(value = "/ping", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> ping() {
        return PONG;
    }
}
