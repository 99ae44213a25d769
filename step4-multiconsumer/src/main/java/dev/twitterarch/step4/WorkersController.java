package dev.twitterarch.step4;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;

/** {@code GET /workers/status}: how the consistent-hash exchange spread the work, as the original's step 4 showed. */
@RestController
class WorkersController {

    record Worker(int worker, String queue, long handled, long queueDepth) {
    }

    record Status(List<Worker> workers, long totalHandled, String dispatchQueue, long dispatchQueueDepth) {
    }

    private final ConsistentHashWorkers queues;
    private final WorkerStats stats;
    private final Rabbit rabbit;
    private final Topology topology;

    WorkersController(ConsistentHashWorkers queues, WorkerStats stats, Rabbit rabbit, Topology topology) {
        this.queues = queues;
        this.stats = stats;
        this.rabbit = rabbit;
        this.topology = topology;
    }

    @GetMapping("/workers/status")
    Status status() {
        Map<String, Long> handled = stats.handledByQueue();
        List<Worker> workers = IntStream.range(0, queues.queues().size())
                .mapToObj(i -> {
                    String queue = queues.queues().get(i);
                    return new Worker(i, queue, handled.getOrDefault(queue, 0L), rabbit.depth(queue));
                })
                .toList();
        return new Status(workers, workers.stream().mapToLong(Worker::handled).sum(), topology.fanOutQueue(),
                rabbit.depth(topology.fanOutQueue()));
    }
}
