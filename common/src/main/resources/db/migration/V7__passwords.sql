-- V7, not V6: step 6 has its own V6 (db/step6/V6__celebrities.sql), and db/migration is every step's.
-- Users may log in (POST /api/auth/login). The hash is a column of users, so it lives on the
-- user's own shard under Citus (users is distributed by id) and needs no table of its own.
-- NULL: the user was created without a password and cannot log in (the demos', compare's and
-- most tests' users act through the trusted X-User-ID header instead). Spring Security's
-- DelegatingPasswordEncoder writes it with its algorithm as a prefix: {bcrypt}$2a$10$...
ALTER TABLE users ADD COLUMN password_hash text;
