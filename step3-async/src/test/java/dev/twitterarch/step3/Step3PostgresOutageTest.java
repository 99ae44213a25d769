package dev.twitterarch.step3;

import dev.twitterarch.common.testing.PostgresOutageTest;

/** Step 3 while PostgreSQL is away: 503s, never 500s; afterwards every acknowledged tweet is there, fanned out once. */
class Step3PostgresOutageTest extends PostgresOutageTest {
}
