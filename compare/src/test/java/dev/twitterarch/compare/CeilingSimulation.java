package dev.twitterarch.compare;

import static dev.twitterarch.compare.Load.*;
import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;

import dev.twitterarch.compare.results.RequestName;

/**
 * The HTTP ceiling of this machine: the mixed traffic's stages (same users, same length) against
 * GET /ping, which does no work, on one of the steps (compare.sh uses the first one it runs, after
 * that step's own simulation). Every step's read throughput is reported as a fraction of this.
 */
public class CeilingSimulation extends Simulation {

    private final Knobs knobs = Knobs.fromSystemProperties();
    private final Path out = Path.of(Knobs.text("out", knobs.stepDir("ceiling").toString()));
    private final RunRecorder recorder = new RunRecorder();

    {
        List<Map<String, Object>> actions = actions(knobs.dataSetDir());
        List<PopulationBuilder> stages = new ArrayList<>();
        if (knobs.warmupSeconds() > 0) {
            int users = Math.min(10, knobs.stages().get(knobs.stages().size() - 1));
            stages.add(stage("warm-up (not reported)", users, knobs.warmupSeconds(), actions, ping(RequestName.PING_WARM_UP)));
        }
        for (int users : knobs.stages()) {
            stages.add(stage("GET /ping, " + users + " users", users, knobs.stageSeconds(), actions,
                    recorder.inStage(users, ping(RequestName.ping(users)))));
        }
        setUp(inSequence(stages))
                .protocols(protocol(Knobs.text("baseUrl", "http://127.0.0.1:8001")))
                .assertions(
                        global().failedRequests().percent().lte(knobs.maxErrorPercent()),
                        global().responseTime().percentile(99.0).lt(knobs.maxP99Millis()));
    }

    private static ChainBuilder ping(RequestName name) {
        return exec(http(name.label()).get("/ping").check(status().is(200)));
    }

    @Override
    public void after() {
        recorder.write(out, knobs.gatlingResults(), getClass(), 0);
    }
}
