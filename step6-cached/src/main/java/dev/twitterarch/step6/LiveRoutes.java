package dev.twitterarch.step6;

import dev.twitterarch.messaging.Topology;

/**
 * Where live events travel: one topic exchange, {@code {prefix}.live}, and one routing key per
 * audience. Each API process has one queue of its own and binds, for every user connected to it,
 * that user's key (and the keys of the celebrities they follow); so a process receives the events
 * of its own readers, and no others.
 *
 * <pre>
 *   worker / API --"reader.{id}"----> {prefix}.live (topic) --> the queue of the process holding reader {id}'s socket
 *   API ---------"author.{id}"-----/                         --> the queues of processes whose readers follow celebrity {id}
 *   API ---------"celebrities"----/                          --> every API process (a promotion or a demotion)
 * </pre>
 */
final class LiveRoutes {

    static final String CELEBRITIES = "celebrities";

    private LiveRoutes() {
    }

    static String exchange(Topology topology) {
        return topology.name("live");
    }

    /** Events for one reader: tweets entering and leaving their feed, and "your follows changed". */
    static String reader(long userId) {
        return "reader." + userId;
    }

    /** A celebrity's tweets, which are not fanned out: for the processes whose readers follow them. */
    static String author(long authorId) {
        return "author." + authorId;
    }

    /** The user id of a {@code reader.} or {@code author.} key, or -1. */
    static long idOf(String routingKey) {
        int dot = routingKey.indexOf('.');
        try {
            return dot < 0 ? -1 : Long.parseLong(routingKey.substring(dot + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
