package dev.twitterarch.compare.chaos;

import java.util.Locale;

/**
 * What one scenario on one step came to: the line the suite prints.
 *
 * @param acknowledged posts answered 201
 * @param lost         feed rows missing: of an acknowledged tweet, for its author or a follower
 *                     (an acknowledged tweet that is not stored at all misses all of them)
 * @param duplicate    feed rows beyond one per (reader, tweet), plus tweets stored twice for one post
 * @param stray        feed rows of a scenario's tweet for a reader who is neither its author nor a follower
 *                     (a follower's row of a step 6 celebrity's tweet is not stray: merging at read dedups it)
 * @param orphaned     feed rows missing of a tweet that is stored although its post was not
 *                     acknowledged (the client saw a 5xx): printed, not failed on, since the client
 *                     was told it did not go through
 * @param declared     feed rows missing of tweets whose fan-out the step itself counted and logged
 *                     as lost ("fan-out lost: TweetPosted[...]"): steps 3 and 4 have no outbox, and
 *                     say so (their README's "what a broker outage costs"); not failed on
 * @param outage5xx    5xx answers to requests sent while the fault lasted (503 is the designed answer)
 * @param http500      500 answers, at any time: a 500 is always a finding
 * @param other5xx     5xx answers outside the fault
 * @param longestLagMillis the longest time from a post's 201 to its last feed row; -1 where there
 *                     are no feed rows (step 1) or nothing was acknowledged
 */
record Figures(String scenario, int step, long acknowledged, long lost, long duplicate, long stray, long orphaned,
               long declared, long outage5xx, long http500, long other5xx, long longestLagMillis, String note) {

    /** Passes when every acknowledged tweet reached exactly its readers; a run that acknowledged nothing proves nothing. */
    boolean passed() {
        return acknowledged > 0 && lost == 0 && duplicate == 0 && stray == 0;
    }

    String line() {
        return String.format(Locale.ROOT, "%-11s step %d  acknowledged=%d lost=%d duplicate=%d stray=%d orphaned=%d declared-lost=%d"
                        + " 5xx-during-outage=%d 500s=%d 5xx-otherwise=%d longest-lag=%s  %s%s",
                scenario, step, acknowledged, lost, duplicate, stray, orphaned, declared, outage5xx, http500, other5xx,
                longestLagMillis < 0 ? "n/a" : String.format(Locale.ROOT, "%.1fs", longestLagMillis / 1000.0),
                passed() ? "PASS" : "FAIL", note.isEmpty() ? "" : "  (" + note + ")");
    }

    /** The header of the README's table, whose rows {@link #markdownRow} writes. */
    static final String MARKDOWN_HEADER = "| scenario | step | acknowledged | lost | duplicate | stray | orphaned | declared lost"
            + " | 5xx during fault | 5xx after it | 500s | longest lag | result | notes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    /** A row of the README's table. */
    String markdownRow() {
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s |", scenario, step, acknowledged,
                lost, duplicate, stray, orphaned, declared, outage5xx, other5xx, http500,
                longestLagMillis < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", longestLagMillis / 1000.0),
                passed() ? "PASS" : "FAIL", note);
    }
}
