package dev.twitterarch.step5;

import dev.twitterarch.common.testing.PostgresOutageTest;

/** Step 5 while PostgreSQL is away: 503s, never 500s; afterwards every acknowledged tweet is there, fanned out once. */
class Step5PostgresOutageTest extends PostgresOutageTest {
}
