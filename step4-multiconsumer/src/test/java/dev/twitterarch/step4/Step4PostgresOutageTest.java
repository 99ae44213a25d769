package dev.twitterarch.step4;

import dev.twitterarch.common.testing.PostgresOutageTest;

/** Step 4 while PostgreSQL is away: 503s, never 500s; afterwards every acknowledged tweet is there, fanned out once. */
class Step4PostgresOutageTest extends PostgresOutageTest {
}
